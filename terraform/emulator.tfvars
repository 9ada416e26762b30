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
