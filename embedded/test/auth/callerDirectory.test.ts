import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateSignalingChannelCommand, KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SynthesizeSpeechCommand } from "@aws-sdk/client-polly";
import { CreateVocabularyCommand, TranscribeClient } from "@aws-sdk/client-transcribe";
import { ListTerminologiesCommand, TranslateClient, TranslateTextCommand } from "@aws-sdk/client-translate";
import { createPollyClient } from "@babelcast/backend/aws/pollyClient.js";
import { DEFAULT_TABLE_NAMES } from "@babelcast/backend/tables/definitions.js";
import { PATHS } from "@babelcast/protocol";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callersFor, readRecordedCalls } from "../../src/auth/callerDirectory.js";
import type { TemporaryCredentials } from "../../src/auth/temporaryCredentials.js";
import { type Harness, startHarness } from "../gateway/harness.js";

/**
 * IAM as the stack grants it: each credential the embedded server hands out may call only what
 * its cloud role allows (backend/src/permissions/permissionTable.ts), and is refused with
 * AccessDeniedException otherwise, as AWS refuses it.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const functionCredentials = (name: string): AwsCredentialIdentity => {
  const c = callersFor(h.server.context).functionCredentials(name);
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
};

async function consoleCredentials(): Promise<AwsCredentialIdentity> {
  const res = await fetch(`${h.server.url}${PATHS.credentials}`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.ownerToken}` },
  });
  const c = (await res.json()) as TemporaryCredentials;
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
}

const clientOptions = (path: string, credentials: AwsCredentialIdentity) => ({
  region: h.server.context.region,
  endpoint: `${h.server.context.loopbackUrl}${path}`,
  credentials,
  maxAttempts: 1,
});

const denied = { name: "AccessDeniedException" };

describe("each function's credentials call only what its role allows", () => {
  it("the public listener function reads segments but may not write them, translate or create channels", async () => {
    const creds = functionCredentials("ListenerHttpFunction");
    const dynamo = new DynamoDBClient(clientOptions(PATHS.dynamodb, creds));
    const key = { sessionId: { S: "s-none" }, sortKey: { S: "x" } };
    // Reading is allowed (the item may not exist; a validation error would not be AccessDenied either).
    await expect(
      dynamo.send(new GetItemCommand({ TableName: DEFAULT_TABLE_NAMES.segments, Key: key })),
    ).rejects.not.toMatchObject(denied);
    await expect(
      dynamo.send(new PutItemCommand({ TableName: DEFAULT_TABLE_NAMES.segments, Item: key })),
    ).rejects.toMatchObject(denied);
    const translate = new TranslateClient(clientOptions(PATHS.translate, creds));
    await expect(
      translate.send(new TranslateTextCommand({ Text: "hi", SourceLanguageCode: "en", TargetLanguageCode: "es" })),
    ).rejects.toMatchObject(denied);
    const kvs = new KinesisVideoClient(clientOptions(PATHS.kinesisvideo, creds));
    await expect(kvs.send(new CreateSignalingChannelCommand({ ChannelName: "babelcast-x" }))).rejects.toMatchObject(
      denied,
    );
  });

  it("the listener function may invoke the pool-growth function and no other", async () => {
    const lambda = new LambdaClient(clientOptions(PATHS.lambda, functionCredentials("ListenerHttpFunction")));
    const grow = await lambda.send(
      new InvokeCommand({ FunctionName: "PoolGrowthFunction", InvocationType: "DryRun", Payload: new Uint8Array() }),
    );
    expect(grow.StatusCode).toBe(204);
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: "CleanupFunction", InvocationType: "DryRun" })),
    ).rejects.toMatchObject(denied);
  });

  it("the owner function creates this deployment's channels only (named with its prefix)", async () => {
    const kvs = new KinesisVideoClient(clientOptions(PATHS.kinesisvideo, functionCredentials("OwnerHttpFunction")));
    const made = await kvs.send(new CreateSignalingChannelCommand({ ChannelName: "babelcast-iam-test" }));
    expect(made.ChannelARN).toContain("babelcast-iam-test");
    await expect(
      kvs.send(new CreateSignalingChannelCommand({ ChannelName: "other-app-channel" })),
    ).rejects.toMatchObject(denied);
  });

  it("the WebSocket function translates but lists no terminologies (cleanup's job)", async () => {
    const translate = new TranslateClient(clientOptions(PATHS.translate, functionCredentials("WebSocketFunction")));
    await expect(translate.send(new ListTerminologiesCommand({}))).rejects.toMatchObject(denied);
    const cleanup = new TranslateClient(clientOptions(PATHS.translate, functionCredentials("CleanupFunction")));
    const listed = await cleanup.send(new ListTerminologiesCommand({}));
    expect(listed.TerminologyPropertiesList).toBeDefined();
  });

  it("the console's credentials synthesize speech but may not translate or create vocabularies", async () => {
    const creds = await consoleCredentials();
    // The backend's Polly client: HTTP/1.1, as the embedded server speaks.
    const polly = createPollyClient(clientOptions(PATHS.polly, creds));
    const speech = await polly.send(
      new SynthesizeSpeechCommand({ Text: "hello", VoiceId: "Joanna", OutputFormat: "pcm", SampleRate: "16000" }),
    );
    expect(speech.AudioStream).toBeDefined();
    await speech.AudioStream?.transformToByteArray();
    const translate = new TranslateClient(clientOptions(PATHS.translate, creds));
    await expect(
      translate.send(new TranslateTextCommand({ Text: "hi", SourceLanguageCode: "en", TargetLanguageCode: "es" })),
    ).rejects.toMatchObject(denied);
    const transcribe = new TranscribeClient(clientOptions(PATHS.transcribe, creds));
    await expect(
      transcribe.send(
        new CreateVocabularyCommand({ VocabularyName: "babelcast-v", LanguageCode: "en-US", Phrases: ["Babelcast"] }),
      ),
    ).rejects.toMatchObject(denied);
  });

  it("a refusal names the role and the action, and every distinct call is in the data dir's record", async () => {
    const translate = new TranslateClient(
      clientOptions(PATHS.translate, functionCredentials("ConnectAuthorizerFunction")),
    );
    const refusal = await translate
      .send(new TranslateTextCommand({ Text: "hi", SourceLanguageCode: "en", TargetLanguageCode: "es" }))
      .catch((err: Error) => err);
    expect(refusal).toMatchObject(denied);
    expect((refusal as Error).message).toContain("assumed-role/ConnectAuthorizerFunctionRole");
    expect((refusal as Error).message).toContain("translate:TranslateText");
    const record = readRecordedCalls(h.server.context.dataDir);
    expect(record).toContainEqual({
      principal: "ConnectAuthorizerFunction",
      action: "translate:TranslateText",
      resource: "none",
      allowed: false,
    });
    expect(record).toContainEqual({
      principal: "OwnerHttpFunction",
      action: "kinesisvideo:CreateSignalingChannel",
      resource: "kvsChannels",
      allowed: true,
    });
  });
});
