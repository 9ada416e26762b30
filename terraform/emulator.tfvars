# The local development stack on the embedded emulator: `nox -s deploy` passes this file, and so
# do you when you drive Terraform yourself (README: "Drive Terraform yourself"). It is the whole
# difference in variables between the emulator stack and a default one.
#
# Two API keys are two tenants, so isolation between keys can be tried by hand and is tested
# end to end; an AWS deployment chooses its own keys.
api_keys = {
  default = { description = "Tenant A: the key `nox -s info` prints" }
  second  = { description = "Tenant B: another tenant, to try isolation between keys" }
}

# A throwaway stack: `nox -s destroy` may delete the bucket with its images.
force_destroy_bucket = true

# Share links name the URL they are served at. The emulator's URLs are path-style
# (http://<endpoint>/restapis/<api id>/<stage>/_user_request_), which no request field gives, so
# the base is built from the request's Host header and the API's id and stage.
link_base_url = "http://{host}/restapis/{api_id}/{stage}/_user_request_"
