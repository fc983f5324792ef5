// One cold start: a fresh `node` imports a bundled handler and answers its first products.list.
// Prints one JSON line. Plain JS so nothing but node itself runs before the import.
const [bundle, path = '/products.list', input = '{"limit":20}'] = process.argv.slice(2);
const t0 = performance.now();
const { handler } = await import(bundle);
const imported = performance.now();
const event = {
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: `input=${encodeURIComponent(input)}`,
  queryStringParameters: { input },
  headers: { host: 'bench.lambda-url.local', 'content-type': 'application/json' },
  requestContext: {
    accountId: 'anonymous',
    apiId: 'bench',
    domainName: 'bench.lambda-url.local',
    domainPrefix: 'bench',
    http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    requestId: 'cold',
    routeKey: '$default',
    stage: '$default',
    time: new Date().toUTCString(),
    timeEpoch: Date.now(),
  },
  isBase64Encoded: false,
};
const context = {
  awsRequestId: 'cold',
  getRemainingTimeInMillis: () => 10_000,
  functionName: 'bench',
};
const result = await handler(event, context);
const done = performance.now();
const cpu = process.cpuUsage();
if (result.statusCode !== 200) {
  console.error(result.body);
  process.exit(1);
}
console.log(
  JSON.stringify({
    importMs: imported - t0,
    firstRequestMs: done - imported,
    // since the process started: node boot + import + first request
    totalMs: done,
    // CPU time the process got (user + system) over the same span: on a shared machine, waiting
    // for a core inflates wall time but not this
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: process.memoryUsage().rss / 1024 / 1024,
  }),
);
