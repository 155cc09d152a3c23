-- wrk script: POST one prepared Open Inference Protocol body (64 rows) to /v2/models/fraud-detector/infer.
-- BODY_FILE is the body; HEADER_LENGTH, when set, is its JSON header's size (the binary tensor form).
-- No Content-Type, as the Triton and KServe Python clients send it.
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
local header_length = os.getenv("HEADER_LENGTH")
if header_length and header_length ~= "" then
  wrk.headers["Inference-Header-Content-Length"] = header_length
end
