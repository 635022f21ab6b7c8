// The Kinesis → ClickHouse job as a Go user writes it, for the side-by-side
// bench (bench/peers/side_by_side.py); never part of the function's zip.
//
// Its own Runtime API loop; per batch: one SigV4-signed DynamoDB GetItem for
// the route (no cache), encoding/base64 + encoding/json into a typed order
// per record, the Kinesis metadata columns added, and one JSONEachRow INSERT
// over net/http's kept-alive connections. Standard library only. Any failure
// fails the whole invocation (no dead letters, no batchItemFailures).
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"
)

type kinesisEvent struct {
	Records []struct {
		Kinesis struct {
			PartitionKey                string  `json:"partitionKey"`
			SequenceNumber              string  `json:"sequenceNumber"`
			Data                        string  `json:"data"`
			ApproximateArrivalTimestamp float64 `json:"approximateArrivalTimestamp"`
		} `json:"kinesis"`
		EventID        string `json:"eventID"`
		EventSourceARN string `json:"eventSourceARN"`
	} `json:"Records"`
}

type order struct {
	OrderID    string   `json:"order_id"`
	EventTime  string   `json:"event_time"`
	CustomerID uint64   `json:"customer_id"`
	Sku        string   `json:"sku"`
	Quantity   uint16   `json:"quantity"`
	Price      float64  `json:"price,string"`
	Currency   string   `json:"currency"`
	Status     string   `json:"status"`
	Tags       []string `json:"tags"`
	Coupon     *string  `json:"coupon"`
}

// row is what goes to ClickHouse: 18.16's JSONEachRow reads DateTime as text or
// Unix seconds, and Decimal unquoted.
type row struct {
	OrderID        string   `json:"order_id"`
	EventTime      int64    `json:"event_time"`
	CustomerID     uint64   `json:"customer_id"`
	Sku            string   `json:"sku"`
	Quantity       uint16   `json:"quantity"`
	Price          float64  `json:"price"`
	Currency       string   `json:"currency"`
	Status         string   `json:"status"`
	Tags           []string `json:"tags"`
	Coupon         *string  `json:"coupon"`
	StreamARN      string   `json:"_stream_arn"`
	ShardID        string   `json:"_shard_id"`
	SequenceNumber string   `json:"_sequence_number"`
	PartitionKey   string   `json:"_partition_key"`
	Arrival        int64    `json:"_approximate_arrival_timestamp"`
}

var (
	region  = firstOf(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
	dynamo  = firstOf(os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"), os.Getenv("AWS_ENDPOINT_URL"), "https://dynamodb."+region+".amazonaws.com")
	runtime = "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	client  = &http.Client{}
)

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func call(req *http.Request) ([]byte, error) {
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode/100 != 2 {
		err = fmt.Errorf("%s: %d %s", req.URL.Host, res.StatusCode, body)
	}
	return body, err
}

func hmacSHA256(key []byte, text string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(text))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// sign adds AWS Signature Version 4 headers to a DynamoDB JSON call (POST /).
func sign(req *http.Request, body []byte) {
	now := time.Now().UTC()
	date, day := now.Format("20060102T150405Z"), now.Format("20060102")
	headers := map[string]string{"content-type": req.Header.Get("Content-Type"), "host": req.URL.Host,
		"x-amz-date": date, "x-amz-target": req.Header.Get("X-Amz-Target")}
	if token := os.Getenv("AWS_SESSION_TOKEN"); token != "" {
		headers["x-amz-security-token"] = token
	}
	names := make([]string, 0, len(headers))
	for n := range headers {
		names = append(names, n)
	}
	sort.Strings(names)
	var canonical strings.Builder
	canonical.WriteString("POST\n/\n\n")
	for _, n := range names {
		canonical.WriteString(n + ":" + headers[n] + "\n")
	}
	signed := strings.Join(names, ";")
	canonical.WriteString("\n" + signed + "\n" + sha256Hex(body))
	scope := day + "/" + region + "/dynamodb/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + sha256Hex([]byte(canonical.String()))
	key := []byte("AWS4" + os.Getenv("AWS_SECRET_ACCESS_KEY"))
	for _, part := range []string{day, region, "dynamodb", "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	for n, v := range headers {
		if n != "host" {
			req.Header.Set(n, v)
		}
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+os.Getenv("AWS_ACCESS_KEY_ID")+"/"+scope+
		", SignedHeaders="+signed+", Signature="+hex.EncodeToString(hmacSHA256(key, toSign)))
}

func route(streamARN string) (database, table string, err error) {
	body, _ := json.Marshal(map[string]any{"TableName": os.Getenv("ROUTES_TABLE"),
		"Key": map[string]any{"stream_arn": map[string]string{"S": streamARN}}})
	req, _ := http.NewRequest("POST", strings.TrimRight(dynamo, "/")+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
	sign(req, body)
	answer, err := call(req)
	if err != nil {
		return "", "", err
	}
	var got struct {
		Item map[string]struct{ S string }
	}
	if err := json.Unmarshal(answer, &got); err != nil {
		return "", "", err
	}
	if got.Item == nil {
		return "", "", errors.New("no route for " + streamARN)
	}
	database = firstOf(got.Item["database"].S, os.Getenv("CLICKHOUSE_DATABASE"), "default")
	return database, got.Item["table"].S, nil
}

func insert(database, table string, rows []byte) error {
	query := url.Values{"query": {"INSERT INTO `" + database + "`.`" + table + "` FORMAT JSONEachRow"},
		"input_format_skip_unknown_fields": {"1"}}
	req, _ := http.NewRequest("POST", strings.TrimRight(os.Getenv("CLICKHOUSE_URL"), "/")+"/?"+query.Encode(), bytes.NewReader(rows))
	req.Header.Set("X-ClickHouse-User", firstOf(os.Getenv("CLICKHOUSE_USER"), "default"))
	req.Header.Set("X-ClickHouse-Key", os.Getenv("CLICKHOUSE_PASSWORD"))
	_, err := call(req)
	return err
}

func handle(payload []byte) (any, error) {
	var event kinesisEvent
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, err
	}
	if len(event.Records) == 0 {
		return map[string][]any{"batchItemFailures": {}}, nil
	}
	database, table, err := route(event.Records[0].EventSourceARN) // a batch comes from one shard
	if err != nil {
		return nil, err
	}
	var rows bytes.Buffer
	out := json.NewEncoder(&rows) // one JSON object and a newline per row
	for _, r := range event.Records {
		data, err := base64.StdEncoding.DecodeString(r.Kinesis.Data)
		if err != nil {
			return nil, err
		}
		var o order
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339Nano, o.EventTime)
		if err != nil {
			return nil, err
		}
		shard, _, _ := strings.Cut(r.EventID, ":")
		if err := out.Encode(row{o.OrderID, t.Unix(), o.CustomerID, o.Sku, o.Quantity, o.Price, o.Currency,
			o.Status, o.Tags, o.Coupon, r.EventSourceARN, shard, r.Kinesis.SequenceNumber,
			r.Kinesis.PartitionKey, int64(r.Kinesis.ApproximateArrivalTimestamp)}); err != nil {
			return nil, err
		}
	}
	if err := insert(database, table, rows.Bytes()); err != nil {
		return nil, err
	}
	log.Printf(`{"table":"%s.%s","records":%d}`, database, table, len(event.Records))
	return map[string][]any{"batchItemFailures": {}}, nil
}

func main() {
	log.SetFlags(0)
	for {
		res, err := http.Get(runtime + "next")
		if err != nil {
			log.Fatal(err)
		}
		event, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			log.Fatal(err)
		}
		id := res.Header.Get("Lambda-Runtime-Aws-Request-Id")
		kind, answer := "/response", []byte(nil)
		result, err := handle(event)
		if err == nil {
			answer, err = json.Marshal(result)
		}
		if err != nil {
			kind = "/error"
			answer, _ = json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "Error"})
		}
		if _, err := call(mustRequest("POST", runtime+id+kind, answer)); err != nil {
			log.Fatal(err)
		}
	}
}

func mustRequest(method, target string, body []byte) *http.Request {
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}
