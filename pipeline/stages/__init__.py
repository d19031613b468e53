"""Pipeline stages: one module each, registered with `pipeline.registry.stage`."""
