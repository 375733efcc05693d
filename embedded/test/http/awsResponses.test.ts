import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisVideoClient, ListSignalingChannelsCommand } from "@aws-sdk/client-kinesis-video";
import { TranslateClient, TranslateTextCommand } from "@aws-sdk/client-translate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AWS_JSON_1_1,
  AwsServiceError,
  DYNAMODB_JSON,
  REST_JSON,
  refuseAwsUpgrade,
  sendAwsError,
  sendAwsJson,
} from "../../src/http/awsResponses.js";

let server: Server;
let endpoint: string;
let port: number;
/** What the server answers to the next request; each test sets it. */
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => answer(req, res));
  });
  server.on("upgrade", (_req, socket) => {
    refuseAwsUpgrade(socket, new AwsServiceError("AccessDeniedException", 403, "not this channel"), REST_JSON);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const clientOptions = () => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  maxAttempts: 1,
});

/** What the server wrote: the headers given to writeHead and the body given to end. */
function recorded(res: ServerResponse): { headers: Record<string, unknown>; body: string } {
  const seen = { headers: {} as Record<string, unknown>, body: "" };
  const writeHead = res.writeHead.bind(res) as (status: number, headers: Record<string, unknown>) => ServerResponse;
  res.writeHead = ((status: number, headers: Record<string, unknown>) => {
    seen.headers = headers;
    return writeHead(status, headers);
  }) as typeof res.writeHead;
  const end = res.end.bind(res) as (chunk: string) => ServerResponse;
  res.end = ((chunk: string) => {
    seen.body = chunk;
    return end(chunk);
  }) as typeof res.end;
  return seen;
}

/** The error a client call rejects with. */
async function failure(call: Promise<unknown>): Promise<Error & { $metadata: Record<string, unknown> }> {
  try {
    await call;
  } catch (err) {
    return err as Error & { $metadata: Record<string, unknown> };
  }
  throw new Error("the call succeeded");
}

describe("AWS answers as the SDKs parse them", () => {
  it("an awsJson 1.1 error becomes the SDK's exception class, with the status and request id", async () => {
    let sent = { headers: {} as Record<string, unknown>, body: "" };
    answer = (_req, res) => {
      sent = recorded(res);
      sendAwsError(res, new AwsServiceError("TooManyRequestsException", 400, "slow down"), AWS_JSON_1_1);
    };
    const client = new TranslateClient(clientOptions());
    const err = await failure(
      client.send(new TranslateTextCommand({ Text: "hi", SourceLanguageCode: "en", TargetLanguageCode: "es" })),
    );
    client.destroy();
    expect(err.name).toBe("TooManyRequestsException");
    expect(err.message).toBe("slow down");
    expect(sent.headers["x-amzn-RequestId"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.$metadata).toMatchObject({ httpStatusCode: 400, requestId: sent.headers["x-amzn-RequestId"] });
    expect(JSON.parse(sent.body)).toEqual({ __type: "TooManyRequestsException", message: "slow down" });
  });

  it("an operation's output comes back with its request id", async () => {
    answer = (_req, res) =>
      sendAwsJson(res, { TranslatedText: "hola", SourceLanguageCode: "en", TargetLanguageCode: "es" }, AWS_JSON_1_1);
    const client = new TranslateClient(clientOptions());
    const out = await client.send(
      new TranslateTextCommand({ Text: "hi", SourceLanguageCode: "en", TargetLanguageCode: "es" }),
    );
    client.destroy();
    expect(out.TranslatedText).toBe("hola");
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a rest-json error names its type in the header only", async () => {
    let sent = { headers: {} as Record<string, unknown>, body: "" };
    answer = (_req, res) => {
      sent = recorded(res);
      sendAwsError(res, new AwsServiceError("ClientLimitExceededException", 400, "too many channels"), REST_JSON);
    };
    const client = new KinesisVideoClient(clientOptions());
    const err = await failure(client.send(new ListSignalingChannelsCommand({})));
    client.destroy();
    expect(err.name).toBe("ClientLimitExceededException");
    expect(err.message).toBe("too many channels");
    expect(JSON.parse(sent.body)).toEqual({ message: "too many channels" });
  });

  it("a DynamoDB error carries the namespaced __type DynamoDB sends", async () => {
    let sent = { headers: {} as Record<string, unknown>, body: "" };
    answer = (_req, res) => {
      sent = recorded(res);
      sendAwsError(res, new AwsServiceError("ResourceNotFoundException", 400, "no such table"), DYNAMODB_JSON);
    };
    const client = new DynamoDBClient(clientOptions());
    const err = await failure(client.send(new DescribeTableCommand({ TableName: "missing" })));
    client.destroy();
    expect(err.name).toBe("ResourceNotFoundException");
    expect(JSON.parse(sent.body).__type).toBe("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
  });

  it("a refused WebSocket upgrade gets the error as an HTTP answer, then the socket closes", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          "GET /signaling HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        );
      });
      let text = "";
      socket.on("data", (c: Buffer) => {
        text += c.toString("utf8");
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    const [head = "", body = ""] = reply.split("\r\n\r\n");
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 403 Forbidden");
    expect(head).toMatch(/^x-amzn-ErrorType: AccessDeniedException$/m);
    expect(head).toMatch(/^x-amzn-RequestId: [0-9a-f-]{36}$/m);
    expect(JSON.parse(body)).toEqual({ message: "not this channel" });
  });
});
