"""One module per API operation, each the entry point of one Lambda function."""
