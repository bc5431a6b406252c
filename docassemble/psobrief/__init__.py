"""docassemble.psobrief: the PSO stimuleringsbrief for chain partners."""

__version__ = "0.1.0"
