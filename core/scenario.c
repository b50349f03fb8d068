/* placeholder */ typedef int wsc_placeholder_scenario;
