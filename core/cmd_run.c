/* placeholder */ typedef int wsc_placeholder_cmd_run;
