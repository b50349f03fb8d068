/* placeholder */ typedef int wsc_placeholder_ws;
