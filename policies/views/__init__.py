"""DRF viewsets of the policies app, one module per resource."""
