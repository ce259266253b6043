"""The data sharing exchange: harvesting department nodes into the platform."""
