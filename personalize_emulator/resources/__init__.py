"""Resource classes, their statuses and lifecycles, ARNs, and the backend that holds them (moto's `models.py` role)."""
