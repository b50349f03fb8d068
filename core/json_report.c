/* placeholder */ typedef int wsc_placeholder_json_report;
