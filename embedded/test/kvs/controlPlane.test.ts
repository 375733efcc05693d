import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateSignalingChannelCommand,
  DeleteSignalingChannelCommand,
  DescribeSignalingChannelCommand,
  GetSignalingChannelEndpointCommand,
  KinesisVideoClient,
  ListSignalingChannelsCommand,
  ListTagsForResourceCommand,
  UpdateSignalingChannelCommand,
} from "@aws-sdk/client-kinesis-video";
import { GetIceServerConfigCommand } from "@aws-sdk/client-kinesis-video-signaling";
import { PATHS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KvsHarness, startKvsHarness } from "./kvsHarness.js";

let h: KvsHarness;
beforeAll(async () => {
  h = await startKvsHarness({
    iceServers: [{ uris: ["turn:127.0.0.1:3478?transport=udp"], username: "u", password: "p" }],
  });
});
afterAll(async () => {
  await h.close();
});

async function create(name: string, ttl?: number) {
  const out = await h.control.send(
    new CreateSignalingChannelCommand({
      ChannelName: name,
      ChannelType: "SINGLE_MASTER",
      ...(ttl ? { SingleMasterConfiguration: { MessageTtlSeconds: ttl } } : {}),
      Tags: [{ Key: "session", Value: "s-1" }],
    }),
  );
  return out.ChannelARN ?? "";
}

describe("KVS control plane through @aws-sdk/client-kinesis-video", () => {
  it("creates a SINGLE_MASTER channel and describes it by name and by ARN", async () => {
    const before = Date.now();
    const arn = await create("talk-1", 30);
    expect(arn).toMatch(/^arn:aws:kinesisvideo:us-east-1:000000000000:channel\/talk-1\/\d{13}$/);
    const byName = await h.control.send(new DescribeSignalingChannelCommand({ ChannelName: "talk-1" }));
    const byArn = await h.control.send(new DescribeSignalingChannelCommand({ ChannelARN: arn }));
    expect(byArn.ChannelInfo).toEqual(byName.ChannelInfo);
    const info = byName.ChannelInfo!;
    expect(info).toMatchObject({
      ChannelName: "talk-1",
      ChannelARN: arn,
      ChannelType: "SINGLE_MASTER",
      ChannelStatus: "ACTIVE",
      SingleMasterConfiguration: { MessageTtlSeconds: 30 },
    });
    expect(info.CreationTime).toBeInstanceOf(Date);
    expect(info.CreationTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(info.Version).toMatch(/^[a-zA-Z0-9]+$/);
    const tags = await h.control.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    expect(tags.Tags).toEqual({ session: "s-1" });
  });

  it("refuses a duplicate name with ResourceInUseException", async () => {
    await create("dup");
    await expect(create("dup")).rejects.toMatchObject({
      name: "ResourceInUseException",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("validates input as AWS does", async () => {
    await expect(create("bad name!")).rejects.toMatchObject({ name: "InvalidArgumentException" });
    await expect(create("ttl-too-long", 121)).rejects.toMatchObject({ name: "InvalidArgumentException" });
    await expect(
      h.control.send(new CreateSignalingChannelCommand({ ChannelName: "mesh", ChannelType: "FULL_MESH" })),
    ).rejects.toMatchObject({ name: "InvalidArgumentException" });
  });

  it("answers unknown channels with ResourceNotFoundException (404)", async () => {
    await expect(h.control.send(new DescribeSignalingChannelCommand({ ChannelName: "nope" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      $metadata: { httpStatusCode: 404 },
    });
  });

  it("lists channels with a name prefix and pages with NextToken", async () => {
    for (const n of ["list-a", "list-b", "list-c"]) await create(n);
    const first = await h.control.send(
      new ListSignalingChannelsCommand({
        MaxResults: 2,
        ChannelNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: "list-" },
      }),
    );
    expect(first.ChannelInfoList?.map((c) => c.ChannelName)).toEqual(["list-a", "list-b"]);
    expect(first.NextToken).toBeTruthy();
    const second = await h.control.send(
      new ListSignalingChannelsCommand({
        MaxResults: 2,
        NextToken: first.NextToken,
        ChannelNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: "list-" },
      }),
    );
    expect(second.ChannelInfoList?.map((c) => c.ChannelName)).toEqual(["list-c"]);
    expect(second.NextToken).toBeUndefined();
  });

  it("deletes only with the current version", async () => {
    const arn = await create("to-delete");
    await expect(
      h.control.send(new DeleteSignalingChannelCommand({ ChannelARN: arn, CurrentVersion: "stale0" })),
    ).rejects.toMatchObject({ name: "VersionMismatchException" });
    const { ChannelInfo } = await h.control.send(new DescribeSignalingChannelCommand({ ChannelARN: arn }));
    await h.control.send(
      new UpdateSignalingChannelCommand({
        ChannelARN: arn,
        CurrentVersion: ChannelInfo!.Version,
        SingleMasterConfiguration: { MessageTtlSeconds: 10 },
      }),
    );
    await expect(
      h.control.send(new DeleteSignalingChannelCommand({ ChannelARN: arn, CurrentVersion: ChannelInfo!.Version })),
    ).rejects.toMatchObject({ name: "VersionMismatchException" });
    const updated = await h.control.send(new DescribeSignalingChannelCommand({ ChannelARN: arn }));
    expect(updated.ChannelInfo?.SingleMasterConfiguration?.MessageTtlSeconds).toBe(10);
    await h.control.send(
      new DeleteSignalingChannelCommand({ ChannelARN: arn, CurrentVersion: updated.ChannelInfo!.Version }),
    );
    await expect(h.control.send(new DescribeSignalingChannelCommand({ ChannelARN: arn }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("hands out distinct ws:// master and viewer endpoints and the HTTPS endpoint", async () => {
    const arn = await create("endpoints");
    const get = async (Role: "MASTER" | "VIEWER") =>
      Object.fromEntries(
        (
          await h.control.send(
            new GetSignalingChannelEndpointCommand({
              ChannelARN: arn,
              SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role },
            }),
          )
        ).ResourceEndpointList!.map((e) => [e.Protocol, e.ResourceEndpoint]),
      );
    const master = await get("MASTER");
    const viewer = await get("VIEWER");
    const ws = h.server.url.replace(/^http/, "ws");
    expect(master.WSS).toBe(`${ws}${PATHS.signalingMaster}`);
    expect(viewer.WSS).toBe(`${ws}${PATHS.signalingViewer}`);
    expect(master.WSS).not.toBe(viewer.WSS);
    expect(master.HTTPS).toBe(`${h.server.url}${PATHS.kinesisvideoSignaling}`);
  });

  it("serves GetIceServerConfig with the configured servers and TTL through the signaling client", async () => {
    const arn = await create("ice");
    const out = await h
      .signaling(`${h.server.url}${PATHS.kinesisvideoSignaling}`)
      .send(new GetIceServerConfigCommand({ ChannelARN: arn, ClientId: "viewer-1", Service: "TURN" }));
    // First the embedded TURN server's entry (test/turn), then the configured ones.
    expect(out.IceServerList?.slice(1)).toEqual([
      { Uris: ["turn:127.0.0.1:3478?transport=udp"], Username: "u", Password: "p", Ttl: 300 },
    ]);
    await expect(
      h
        .signaling(`${h.server.url}${PATHS.kinesisvideoSignaling}`)
        .send(new GetIceServerConfigCommand({ ChannelARN: `${arn}0` })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("refuses wrongly signed and unsigned requests as AWS does", async () => {
    const wrong = new KinesisVideoClient({
      endpoint: `${h.server.url}${PATHS.kinesisvideo}`,
      region: "us-east-1",
      credentials: { accessKeyId: h.server.context.credentials.accessKeyId, secretAccessKey: "not-the-secret" },
      maxAttempts: 1,
    });
    await expect(wrong.send(new ListSignalingChannelsCommand({}))).rejects.toMatchObject({
      name: "InvalidSignatureException",
      $metadata: { httpStatusCode: 403 },
    });
    const unknownKey = new KinesisVideoClient({
      endpoint: `${h.server.url}${PATHS.kinesisvideo}`,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDSOMEONEELSE", secretAccessKey: "x" },
      maxAttempts: 1,
    });
    await expect(unknownKey.send(new ListSignalingChannelsCommand({}))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
    });
    const res = await fetch(`${h.server.url}${PATHS.kinesisvideo}/listSignalingChannels`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
  });

  it("injects throttling when its fault switch says so", async () => {
    h.kvs.faults.set({ throttleRate: 1 });
    try {
      await expect(h.control.send(new ListSignalingChannelsCommand({}))).rejects.toMatchObject({
        name: "ClientLimitExceededException",
      });
    } finally {
      h.kvs.faults.set({ throttleRate: 0 });
    }
  });
});

describe("channel persistence", () => {
  it("keeps channels across a restart of the embedded server", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "babelcast-kvs-restart-"));
    try {
      const first = await startKvsHarness({}, { dataDir });
      const { ChannelARN } = await first.control.send(new CreateSignalingChannelCommand({ ChannelName: "survivor" }));
      await first.close();
      const again = await startKvsHarness({}, { dataDir });
      try {
        const out = await again.control.send(new DescribeSignalingChannelCommand({ ChannelName: "survivor" }));
        expect(out.ChannelInfo?.ChannelARN).toBe(ChannelARN);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
