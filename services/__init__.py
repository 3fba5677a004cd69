"""Starting and stopping the assistant's processes (action server, Rasa server) on loopback."""
