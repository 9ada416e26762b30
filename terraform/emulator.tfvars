# The local development stack on the embedded emulator (`nox -s deploy` passes this file).
# Two API keys are two tenants, so isolation between keys can be tried by hand and is tested
# end to end; an AWS deployment chooses its own keys.
api_keys = {
  default = { description = "Tenant A: the key `nox -s info` prints" }
  second  = { description = "Tenant B: another tenant, to try isolation between keys" }
}
