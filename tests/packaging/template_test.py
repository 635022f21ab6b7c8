#!/usr/bin/env python3
"""SPEC §6: template.yaml deploys the zip as promised, with its alarms.

    template_test.py TEMPLATE

Parsed with python3-yaml and a loader that accepts CloudFormation's short
tags (!Ref, !Sub, !GetAtt, ...), turned into their long form.
"""
import re
import sys

import yaml

SHORT_TAGS = ["Ref", "Sub", "GetAtt", "Join", "If", "Equals", "Select", "Split", "ImportValue",
              "FindInMap", "Base64", "Not", "And", "Or", "Condition", "GetAZs", "Cidr"]


class CfnLoader(yaml.SafeLoader):
    pass


def _make(tag):
    key = "Ref" if tag == "Ref" else ("Condition" if tag == "Condition" else "Fn::" + tag)

    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}
    return construct


for _tag in SHORT_TAGS:
    CfnLoader.add_constructor("!" + _tag, _make(_tag))

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def ref(x):
    return isinstance(x, dict) and set(x) == {"Ref"} and x["Ref"]


def getatt(x):
    return isinstance(x, dict) and set(x) == {"Fn::GetAtt"} and ".".join(x["Fn::GetAtt"])


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "template.yaml"
    with open(path) as f:
        text = f.read()
    t = yaml.load(text, Loader=CfnLoader)
    check(t.get("Transform") == "AWS::Serverless-2016-10-31", "Transform is not SAM")
    params, res, outs = t.get("Parameters", {}), t.get("Resources", {}), t.get("Outputs", {})

    fns = [(n, r) for n, r in res.items() if r.get("Type") == "AWS::Serverless::Function"]
    if not check(len(fns) == 1, f"want one AWS::Serverless::Function, found {len(fns)}"):
        return report()
    fname, fn = fns[0]
    p = fn["Properties"]
    check(p.get("Handler") == "bootstrap", "Handler is not bootstrap")
    check(p.get("CodeUri") == "build/function.zip", "CodeUri is not build/function.zip")
    check(p.get("Architectures") == ["x86_64"], "Architectures is not [x86_64]")
    rt = ref(p.get("Runtime"))
    if check(rt in params, "Runtime is not a parameter"):
        check(params[rt].get("Default") == "provided.al2023", "Runtime default is not provided.al2023")
        check(sorted(params[rt].get("AllowedValues", [])) == ["provided.al2", "provided.al2023"],
              "Runtime AllowedValues are not provided.al2023 and provided.al2")
    for prop in ("MemorySize", "Timeout"):
        check(ref(p.get(prop)) in params, f"{prop} is not a parameter")

    # Routes table: key stream_arn (S), on demand.
    tables = [(n, r) for n, r in res.items() if r.get("Type") == "AWS::DynamoDB::Table"]
    check(len(tables) == 1, f"want one DynamoDB table, found {len(tables)}")
    tname, table = tables[0]
    tp = table["Properties"]
    check(tp.get("BillingMode") == "PAY_PER_REQUEST", "routes table is not PAY_PER_REQUEST")
    check(tp.get("KeySchema") == [{"AttributeName": "stream_arn", "KeyType": "HASH"}],
          "routes table key is not stream_arn HASH")
    check(tp.get("AttributeDefinitions") == [{"AttributeName": "stream_arn", "AttributeType": "S"}],
          "stream_arn is not a string attribute")

    # Environment.
    env = p.get("Environment", {}).get("Variables", {})
    check(ref(env.get("ROUTES_TABLE")) == tname, "ROUTES_TABLE does not name the routes table")
    for var in ("CLICKHOUSE_URL", "CLICKHOUSE_USER", "CLICKHOUSE_DATABASE"):
        check(ref(env.get(var)) in params, f"{var} is not a parameter")
    pw = env.get("CLICKHOUSE_PASSWORD")
    pw_text = pw.get("Fn::Sub") if isinstance(pw, dict) else pw
    check(isinstance(pw_text, str) and re.search(r"\{\{resolve:(secretsmanager|ssm-secure):", pw_text),
          "CLICKHOUSE_PASSWORD is not a Secrets Manager / SSM SecureString dynamic reference")
    for name, prm in params.items():
        if "password" in name.lower() or "secret" in name.lower():
            check(name.endswith(("Arn", "Name")) and "Default" not in prm,
                  f"parameter {name} looks like a secret value or has a default")
        check(prm.get("NoEcho") or "password" not in str(prm.get("Default", "")).lower(),
              f"parameter {name} has a password-like default")
    known = {"CLICKHOUSE_URL", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD", "CLICKHOUSE_DATABASE",
             "CLICKHOUSE_CA_FILE", "ROUTES_TABLE", "DEAD_LETTER_TABLE", "ROUTE_CACHE_TTL_SECONDS",
             "METRICS", "METRICS_NAMESPACE"}
    check(set(env) <= known, f"unknown environment variables {set(env) - known}")
    check_logging_and_metrics(p, env, params)

    # Kinesis event source mapping.
    qname = None
    events = [e for e in p.get("Events", {}).values() if e.get("Type") == "Kinesis"]
    if check(len(events) == 1, "want one Kinesis event"):
        e = events[0]["Properties"]
        check(ref(e.get("Stream")) in params, "stream ARN is not a parameter")
        for prop in ("StartingPosition", "BatchSize", "MaximumBatchingWindowInSeconds",
                     "ParallelizationFactor", "MaximumRecordAgeInSeconds"):
            check(prop in e, f"event source mapping lacks {prop}")
        check(e.get("FunctionResponseTypes") == ["ReportBatchItemFailures"],
              "FunctionResponseTypes is not [ReportBatchItemFailures]")
        check(e.get("BisectBatchOnFunctionError") is True, "BisectBatchOnFunctionError is not true")
        retries = e.get("MaximumRetryAttempts")
        if isinstance(retries, dict):
            prm = params.get(ref(retries), {})
            check("MaxValue" in prm and 0 <= prm.get("Default", -2) <= prm["MaxValue"] <= 10000
                  and prm["MaxValue"] != -1, "MaximumRetryAttempts parameter is not bounded")
        else:
            check(isinstance(retries, int) and 0 <= retries <= 10000, "MaximumRetryAttempts not bounded")
        dest = e.get("DestinationConfig", {}).get("OnFailure", {})
        qname = getatt(dest.get("Destination", {})).split(".")[0] if dest else None
        check(qname in res and res[qname]["Type"] == "AWS::SQS::Queue",
              "OnFailure destination is not an SQS queue of the template")

    # Least privilege.
    policies = p.get("Policies", [])
    check("AWSLambdaKinesisExecutionRole" in policies, "no AWSLambdaKinesisExecutionRole")
    statements = [s for pol in policies if isinstance(pol, dict) for s in pol.get("Statement", [])]
    for s in statements:
        acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        check(s.get("Effect") == "Allow", "a statement is not Allow")
        check(all("*" not in a for a in acts), f"wildcard action in {acts}")
        check(s.get("Resource") != "*", f"wildcard resource for {acts}")
        for a in acts:
            if a.startswith("dynamodb:"):
                check(a == "dynamodb:GetItem", f"DynamoDB action {a} beyond GetItem")
                check(getatt(s["Resource"]) == tname + ".Arn", "GetItem not limited to the routes table")
            elif a == "sqs:SendMessage":
                check(getatt(s["Resource"]) == (qname or "") + ".Arn",
                      "SendMessage not limited to the failure queue")
            else:
                check(False, f"unexpected action {a}")
    check(any("dynamodb:GetItem" in str(s["Action"]) for s in statements), "no dynamodb:GetItem")
    check(any("sqs:SendMessage" in str(s["Action"]) for s in statements), "no sqs:SendMessage")
    check(set(fn) <= {"Type", "Properties", "Metadata", "Condition", "DependsOn"}, "odd function keys")
    check("Role" not in p, "explicit Role bypasses the least-privilege policies")

    check_alarms(res, params, t.get("Conditions", {}), fname, env, qname)
    # Optional VPC (a ClickHouse inside a VPC): two list parameters, empty by
    # default, and a VpcConfig that is there only when subnets are given.
    for name in ("VpcSubnetIds", "VpcSecurityGroupIds"):
        prm = params.get(name, {})
        check(prm.get("Type") == "CommaDelimitedList" and prm.get("Default") == "",
              f"{name} is not an optional CommaDelimitedList parameter (Default \"\")")
    vpc = p.get("VpcConfig")
    branches = vpc.get("Fn::If") if isinstance(vpc, dict) else None
    if check(isinstance(branches, list) and len(branches) == 3, "VpcConfig is not an Fn::If on a condition"):
        cond, inside, outside = branches
        check(cond in t.get("Conditions", {}), f"VpcConfig condition {cond} is not defined")
        check("VpcSubnetIds" in str(t.get("Conditions", {}).get(cond)), "the VPC condition does not test VpcSubnetIds")
        check(isinstance(inside, dict) and ref(inside.get("SubnetIds")) == "VpcSubnetIds"
              and ref(inside.get("SecurityGroupIds")) == "VpcSecurityGroupIds",
              "VpcConfig does not take VpcSubnetIds and VpcSecurityGroupIds")
        check(ref(outside) == "AWS::NoValue", "without subnets VpcConfig is not AWS::NoValue")

    check(len(outs) >= 3 and any(getatt(o.get("Value")) == fname + ".Arn" for o in outs.values()),
          "Outputs lack the function ARN")
    check(any(ref(o.get("Value")) == tname for o in outs.values()), "Outputs lack the routes table")
    return report()


# What the function writes (app/metrics.h): an alarm on any other name would never fire.
EMITTED_METRICS = {"Records", "Rows", "DeadLetters", "RetriesReported", "IteratorAgeMs",
                   "DurationMs", "CpuMs", "BytesIn", "BytesSent"}
TREAT_MISSING = {"breaching", "notBreaching", "ignore", "missing"}
COMPARISONS = {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
               "LessThanOrEqualToThreshold"}


def check_logging_and_metrics(p, env, params):
    """METRICS and METRICS_NAMESPACE are parameters with the function's defaults;
    LoggingConfig passes Lambda's log format, and the level only with JSON."""
    metrics = params.get(ref(env.get("METRICS")), {})
    check(sorted(metrics.get("AllowedValues", [])) == ["off", "on"] and metrics.get("Default") == "on",
          "METRICS is not a parameter of on/off defaulting to on")
    ns = params.get(ref(env.get("METRICS_NAMESPACE")), {})
    check(ns.get("Default") == "KinesisClickHouse", "METRICS_NAMESPACE parameter lacks the default")
    pattern = ns.get("AllowedPattern")
    if check(pattern, "METRICS_NAMESPACE parameter has no AllowedPattern"):
        full = re.compile("(?:" + pattern + r")\Z")
        check(full.match("KinesisClickHouse") and full.match("Team/Ingest: prod #2"),
              "METRICS_NAMESPACE pattern refuses valid namespaces")
        check(not any(full.match(bad) for bad in ("AWS/Lambda", "a\tb", "n" * 256, "   ", "")),
              "METRICS_NAMESPACE pattern accepts invalid namespaces")
    logging = p.get("LoggingConfig", {})
    fmt = params.get(ref(logging.get("LogFormat")), {})
    check(sorted(fmt.get("AllowedValues", [])) == ["JSON", "Text"], "LogFormat is not JSON/Text")
    level = logging.get("ApplicationLogLevel")
    branches = level.get("Fn::If", []) if isinstance(level, dict) else []
    check(len(branches) == 3 and ref(branches[2]) == "AWS::NoValue" and
          sorted(params.get(ref(branches[1]), {}).get("AllowedValues", [])) ==
          sorted(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]),
          "ApplicationLogLevel is not a level parameter, set only with the JSON format")


def check_alarms(res, params, conditions, fname, env, qname):
    """Three alarms: dead letters written, consumer lag above a threshold, and
    visible messages in the on-failure queue; thresholds are parameters, and an
    optional SNS topic is notified when one fires and when it clears."""
    alarms = {n: r["Properties"] for n, r in res.items() if r.get("Type") == "AWS::CloudWatch::Alarm"}
    namespace = ref(env.get("METRICS_NAMESPACE"))

    def number_param(x, what):
        prm = params.get(ref(x))
        check(prm is not None and prm.get("Type") == "Number", f"{what} is not a Number parameter")
        return prm or {}

    def find(namespace_ok, metric):
        found = [(n, a) for n, a in alarms.items()
                 if namespace_ok(a.get("Namespace")) and a.get("MetricName") == metric]
        check(len(found) == 1, f"want one alarm on {metric}, found {len(found)}")
        return found[0] if found else (None, {})

    for name, a in alarms.items():
        if a.get("Namespace") != "AWS/SQS":
            check(ref(a.get("Namespace")) == namespace, f"{name}: namespace is not METRICS_NAMESPACE")
            check(a.get("MetricName") in EMITTED_METRICS, f"{name}: the function emits no {a.get('MetricName')}")
            check(a.get("Dimensions") == [{"Name": "FunctionName", "Value": {"Ref": fname}}],
                  f"{name}: dimensions are not FunctionName = the function")
        check(a.get("ComparisonOperator") in COMPARISONS, f"{name}: bad ComparisonOperator")
        check(a.get("TreatMissingData") in TREAT_MISSING, f"{name}: bad TreatMissingData")
        period = a.get("Period")
        check(isinstance(period, int) and period >= 60 and period % 60 == 0, f"{name}: bad Period")
        evaluations = a.get("EvaluationPeriods")
        check(isinstance(evaluations, int) and evaluations >= 1 or
              number_param(evaluations, f"{name}: EvaluationPeriods").get("MinValue", 0) >= 1,
              f"{name}: EvaluationPeriods may be below 1")
        check(a.get("Statistic") in {"Sum", "Maximum", "Average", "Minimum", "SampleCount"},
              f"{name}: bad Statistic")
        for actions in ("AlarmActions", "OKActions"):
            branches = a.get(actions, {}).get("Fn::If", []) if isinstance(a.get(actions), dict) else []
            ok = len(branches) == 3 and ref(branches[2]) == "AWS::NoValue" and \
                isinstance(branches[1], list) and len(branches[1]) == 1
            if check(ok, f"{name}: {actions} is not the optional SNS topic"):
                topic = params.get(ref(branches[1][0]), {})
                check(topic.get("Default") == "", f"{name}: the SNS topic parameter is not optional")
                cond = conditions.get(branches[0], {})
                check(cond == {"Fn::Not": [{"Fn::Equals": [{"Ref": ref(branches[1][0])}, ""]}]},
                      f"{name}: {actions} condition does not test the topic for empty")

    _, dead = find(lambda ns: ref(ns) == namespace, "DeadLetters")
    if dead:
        check(dead.get("Statistic") == "Sum" and dead.get("ComparisonOperator") == "GreaterThanThreshold",
              "dead-letter alarm is not Sum > threshold")
        check(number_param(dead.get("Threshold"), "dead-letter threshold").get("Default") == 0,
              "dead-letter alarm does not default to DeadLetters > 0")
    _, lag = find(lambda ns: ref(ns) == namespace, "IteratorAgeMs")
    if lag:
        check(lag.get("Statistic") == "Maximum" and lag.get("ComparisonOperator") == "GreaterThanThreshold",
              "consumer-lag alarm is not Maximum > threshold")
        number_param(lag.get("Threshold"), "consumer-lag threshold")
    _, queue = find(lambda ns: ns == "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    if queue:
        check(queue.get("Dimensions") == [{"Name": "QueueName",
                                           "Value": {"Fn::GetAtt": [qname or "", "QueueName"]}}],
              "on-failure alarm does not watch the on-failure queue")
        check(queue.get("ComparisonOperator") == "GreaterThanThreshold", "on-failure alarm is not > threshold")
        number_param(queue.get("Threshold"), "on-failure threshold")


def report():
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if not failures:
        print("template.yaml: ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
