"""Pure sizing formulas: model memory, GPU fit, throughput, training time and cost."""
