"""Every write of the chat domain. A service commits first and publishes after."""
