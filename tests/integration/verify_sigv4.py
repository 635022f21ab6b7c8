#!/usr/bin/python3
"""Checks a captured request's SigV4 signature against botocore's.

    verify_sigv4.py CAPTURE_JSON --access-key K --secret-key S --region R
                    [--token T] [--service dynamodb] [--index -1]

Rebuilds the request the way a botocore DynamoDB client would send it: same
method, URL, body, Content-Type and X-Amz-Target, and credentials (botocore
adds X-Amz-Security-Token itself when a token is given), signed by
botocore.auth.SigV4Auth at the X-Amz-Date the captured request carries (the
clock is patched as botocore's own tests do). The Authorization header must
then be identical: same credential scope, same signed headers, same signature.
The captured X-Amz-Security-Token must equal --token (or be absent).
Exit 0 when everything matches, 1 with a diff otherwise.
"""
import argparse
import datetime
import json
import sys
from unittest import mock

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# Headers an SDK's DynamoDB client sets itself and signs; everything else in
# the captured request (Accept, Content-Length, ...) is transport detail that
# botocore would not sign either.
SDK_HEADERS = ('content-type', 'x-amz-target')


def one_header(headers, name):
    values = [v for k, v in headers if k.lower() == name]
    if len(values) > 1:
        raise SystemExit(f'FAIL: header {name} appears {len(values)} times')
    return values[0] if values else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('capture')
    ap.add_argument('--access-key', required=True)
    ap.add_argument('--secret-key', required=True)
    ap.add_argument('--region', required=True)
    ap.add_argument('--token')
    ap.add_argument('--service', default='dynamodb')
    ap.add_argument('--index', type=int, default=-1)
    args = ap.parse_args()

    with open(args.capture) as f:
        captured = json.load(f)[args.index]
    headers = captured['headers']
    failures = []

    authorization = one_header(headers, 'authorization')
    amz_date = one_header(headers, 'x-amz-date')
    host = one_header(headers, 'host')
    if not authorization or not amz_date or not host:
        print('FAIL: the request lacks Authorization, X-Amz-Date or Host', file=sys.stderr)
        return 1

    sent_token = one_header(headers, 'x-amz-security-token')
    if sent_token != args.token:
        failures.append('X-Amz-Security-Token: sent %s, expected %s' % (
            'a value' if sent_token else 'none', 'a value' if args.token else 'none'))

    request = AWSRequest(
        method=captured['method'],
        url='http://%s%s' % (host, captured['path']),
        data=captured['body'].encode('latin-1'),
        headers={k: v for k, v in headers if k.lower() in SDK_HEADERS},
    )
    credentials = Credentials(args.access_key, args.secret_key, args.token)
    signer = SigV4Auth(credentials, args.service, args.region)
    at = datetime.datetime.strptime(amz_date, SIGV4_TIMESTAMP)
    with mock.patch('botocore.auth.datetime') as patched:
        patched.datetime.utcnow.return_value = at
        patched.datetime.strptime = datetime.datetime.strptime
        signer.add_auth(request)
    expected = request.headers['Authorization']
    del request.headers['Authorization']  # so the diagnostic below is the signed one

    if request.headers['X-Amz-Date'] != amz_date:
        failures.append('X-Amz-Date: botocore used %s, request has %s' % (
            request.headers['X-Amz-Date'], amz_date))
    if authorization != expected:
        failures.append('Authorization differs:\n  sent:     %s\n  botocore: %s\n'
                        'botocore canonical request:\n%s' % (
                            authorization, expected, signer.canonical_request(request)))
    if failures:
        for f in failures:
            print('FAIL:', f, file=sys.stderr)
        return 1
    print('OK:', expected)
    return 0


if __name__ == '__main__':
    sys.exit(main())
