"""DRF viewsets of the agents app, one module per resource."""
