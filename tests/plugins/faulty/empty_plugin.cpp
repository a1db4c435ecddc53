// Test plugin that loads cleanly but registers no model.

extern "C" int nclab_empty_plugin_marker() { return 0; }
