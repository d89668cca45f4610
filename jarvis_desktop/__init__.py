"""jarvis_desktop"""
