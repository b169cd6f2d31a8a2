// Regenerates tests/fuzz/corpus/cbor_rpc/: RPC v2 CBOR requests to CloudWatch as the fuzz target
// reads them (a path line, header lines, an empty line, the body). Bodies are encoded by Smithy's
// own CBOR serializer (@smithy/core/cbor from tests/compat/node_modules: what the AWS SDKs use for
// rpc-v2-cbor), with timestamps as tag 1 as the SDKs send them; the payloads are the ones the
// compat tests send (cloudwatch_clients_test.py) and one per other served operation. Hand-written
// bodies add shapes the serializer does not produce (indefinite lengths, half floats, nulls,
// nested tags) and malformed ones. Seeds are content-named, so re-running never duplicates one.
//
//   (cd tests/compat && npm ci) && node tests/fuzz/make_cbor_seeds.mjs
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'compat', 'package.json'));
const { cbor, dateToTag } = require('@smithy/core/cbor');

const corpus = join(here, 'corpus', 'cbor_rpc');
mkdirSync(corpus, { recursive: true });
const service = 'GraniteServiceVersion20100801';
const headers = 'smithy-protocol: rpc-v2-cbor\nContent-Type: application/cbor\nAccept: application/cbor\n'
  + 'x-amzn-query-mode: true\n';

function seed(operation, body, path = `/service/${service}/operation/${operation}`, head = headers) {
  const bytes = Buffer.concat([Buffer.from(`${path}\n${head}\n`), Buffer.from(body)]);
  const name = createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  writeFileSync(join(corpus, name), bytes);
}

const t = (ms) => dateToTag(new Date(ms));
const start = 1795780800000;
const dims = [{ Name: 'FunctionName', Value: 'observed' }, { Name: 'Resource', Value: 'observed:live' }];
const stat = (id, metric, extra = []) => ({
  Id: id, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [...dims, ...extra] },
    Period: 60, Stat: 'Sum' }, ReturnData: false });

const requests = {
  GetMetricData: {
    MetricDataQueries: [stat('v1', 'Invocations', [{ Name: 'ExecutedVersion', Value: '1' }]),
      stat('errors', 'Errors'), { Id: 'rate', Expression: '100 * errors / v1', Label: 'Error rate', ReturnData: true }],
    StartTime: t(start), EndTime: t(start + 3600000), ScanBy: 'TimestampAscending', MaxDatapoints: 100800,
    LabelOptions: { Timezone: '+0130' } },
  GetMetricStatistics: { Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: dims, StartTime: t(start),
    EndTime: t(start + 600500), Period: 60, Statistics: ['Average', 'Maximum', 'SampleCount'],
    ExtendedStatistics: ['p99', 'p50.5'], Unit: 'Milliseconds' },
  ListMetrics: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'ExecutedVersion' }],
    RecentlyActive: 'PT3H', NextToken: 'abc' },
  PutMetricData: { Namespace: 'Custom/App', MetricData: [
    { MetricName: 'Latency', Dimensions: [{ Name: 'Stage', Value: 'prod' }], Timestamp: t(start + 1234),
      Value: 12.25, Unit: 'Milliseconds', StorageResolution: 1 },
    { MetricName: 'Batch', Values: [1, 2.5, -3], Counts: [10, 1, 2], Unit: 'Count' },
    { MetricName: 'Set', StatisticValues: { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4 } }] },
  PutMetricAlarm: { AlarmName: 'live-errors', MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum',
    Dimensions: dims, Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', ActionsEnabled: true,
    AlarmActions: ['arn:aws:sns:eu-west-1:111122223333:t'] },
  DescribeAlarms: { AlarmNames: ['live-errors', 'not-there'], StateValue: 'ALARM', MaxRecords: 50,
    AlarmTypes: ['MetricAlarm'] },
  DeleteAlarms: { AlarmNames: ['live-errors'] },
  SetAlarmState: { AlarmName: 'live-errors', StateValue: 'ALARM', StateReason: 'rehearsal',
    StateReasonData: JSON.stringify({ by: 'test' }) },
};
for (const [operation, input] of Object.entries(requests)) seed(operation, cbor.serialize(input));
seed('SetAlarmState', cbor.serialize({ AlarmName: 'missing', StateValue: 'OK', StateReason: 'x' }));
seed('DescribeAlarms', new Uint8Array(0));                                    // empty body: empty input
seed('DescribeAlarms', cbor.serialize({}));
seed('GetMetricWidgetImage', cbor.serialize({ MetricWidget: '{}' }));         // known, not served
seed('NoSuchOperation', cbor.serialize({ A: 1 }));
seed('ListMetrics', cbor.serialize({ Namespace: 'N' }), `/service/Other/operation/ListMetrics`);
seed('ListMetrics', cbor.serialize({ Namespace: 'N' }), `/service/${service}/operation/`);
seed('ListMetrics', cbor.serialize({ Namespace: 'N' }), `/service/${service}/operation/ListMetrics`,
  'Content-Type: application/cbor\n');                                        // no smithy-protocol header

const hex = (text) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const raw = {
  // {_ "Namespace": (_ "AW" "S/Lambda"), "MetricName": "Invocations"} with indefinite map and string
  indefinite: 'bf 69 4e616d657370616365 7f 62 4157 68 532f4c616d626461 ff 6a 4d657472696350616d65 6b 496e766f636174696f6e73 ff',
  // {"Period": half 60.0, "Threshold": single 1.5, "Value": double -0.0, "Flag": true, "Gone": null}
  floats: 'a5 66 506572696f64 f9 5380 69 5468726573686f6c64 fa 3fc00000 65 56616c7565 fb 8000000000000000 64 466c6167 f5 64 476f6e65 f6',
  // {"StartTime": 1(1(1700000000)), "EndTime": 1(1700000000.5), "Id": 0 tag "x"} nested and other tags
  tags: 'a3 69 537461727454696d65 c1 c1 1a 6553f100 67 456e6454696d65 c1 fb 41d954fc40200000 62 4964 c0 61 78',
  // {"MetricDataQueries": [null, {"Id": "a", "Label": null}], "Big": 2^64-1, "Neg": -2^64}
  nulls: 'a3 71 4d657472696344617461517565726965 73 82 f6 a2 62 4964 61 61 65 4c6162656c f6 63 426967 1b ffffffffffffffff 63 4e6567 3b ffffffffffffffff',
  // {"Bytes": h'0001ff', "Undefined": undefined, "Simple": simple(16)}
  odd: 'a3 65 4279746573 43 0001ff 69 556e646566696e6564 f7 66 53696d706c65 f0',
  deep: '81'.repeat(70) + '00',                                                   // nested past the limit
  array: '83 01 02 03',                                                        // not a map
  truncated: 'a2 61 41 01 61',                                                 // ends inside the map
  trailing: 'a1 61 41 01 ff',                                                  // bytes after the map
  huge_length: 'a1 61 41 5b 7fffffffffffffff',                                 // string longer than the body
  reserved: 'a1 61 41 1c',                                                     // additional info 28
  break_alone: 'ff',
  integer_keys: 'a2 01 02 61 41 03',                                           // a non-text key
  indefinite_nested_chunk: 'a1 61 41 7f 7f 61 61 ff ff',                       // nested indefinite chunk
  // {"Period": ["\xad"]}: text that is not UTF-8 (found by the fuzzer: quoting it in a message threw)
  not_utf8: 'a1 66 506572696f64 81 61 ad',
};
for (const [name, body] of Object.entries(raw)) seed(name === 'odd' ? 'PutMetricData' : 'GetMetricData', hex(body));
