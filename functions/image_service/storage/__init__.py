"""S3 and DynamoDB access. AWS errors become domain errors here, once."""
