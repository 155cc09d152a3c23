-- wrk script: POST one valid transaction to /predict.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"amount": 125.5, "hour": 14, "distance_from_home_km": 3.2, "transactions_last_24h": 2, "merchant_category": "grocery", "card_present": true}'
