"""What every model shares once: moving averages of weights, schedules of training."""
