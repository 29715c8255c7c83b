"""SEN support plans: the plan screens, their forms, and the reads and writes behind them."""
