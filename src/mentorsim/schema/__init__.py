"""The schema layer: what a scenario may say (scenario, io, validation), the parameter register and its
evidence, the world, effects and mechanics, metrics and tables."""
