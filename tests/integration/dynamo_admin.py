#!/usr/bin/env python3
"""Test helper: create a routes table and put route items in dynalite, with botocore.

    dynamo_admin.py ENDPOINT create TABLE
    dynamo_admin.py ENDPOINT put TABLE STREAM_ARN TARGET_TABLE [DATABASE]
"""
import sys
import time

import botocore.session


def main():
    endpoint, cmd, table = sys.argv[1:4]
    ddb = botocore.session.get_session().create_client(
        "dynamodb", endpoint_url=endpoint, region_name="eu-west-1",
        aws_access_key_id="local", aws_secret_access_key="local")
    if cmd == "create":
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "stream_arn", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "stream_arn", "KeyType": "HASH"}])
        for _ in range(500):
            if ddb.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE":
                return 0
            time.sleep(0.01)
        return 1
    if cmd == "put":
        item = {"stream_arn": {"S": sys.argv[4]}, "table": {"S": sys.argv[5]}}
        if len(sys.argv) > 6:
            item["database"] = {"S": sys.argv[6]}
        ddb.put_item(TableName=table, Item=item)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
