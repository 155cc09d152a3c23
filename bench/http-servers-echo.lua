-- wrk script for bench/http-servers.sh: POST /echo with the same small JSON body every time.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id":"tx-000042","amount":129.95,"currency":"EUR",'
  .. '"features":[0.12,-1.5,3.25,0.0,7.75,-0.33,1.0,2.5],'
  .. '"merchant":{"country":"DE","category":5411},"card_present":false}'
