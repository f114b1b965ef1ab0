"""Batch inference, the sans-IO part: requests cut into JSONL files and jobs within Bedrock's quotas
(`sharder`, `spool`), the S3 layout and job names of a batch (`layout`), recordIds and id maps
(`records`), results read back in `anthropic`'s shapes (`results`), job status and counts
(`status`) and the polling policy (`polling`). The clients drive it with the control-plane
operations (`_generated.api.batch`) and the S3 transfers of `_aws.s3`.
"""
