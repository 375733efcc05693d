import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListLanguagesCommand } from "@aws-sdk/client-translate";
import { createAwsClients } from "@babelcast/backend/aws/clients.js";
import { withEmbeddedSubstitutes } from "@babelcast/backend/aws/embeddedSubstitutes.js";
import { runtimeConfigFromEnv } from "@babelcast/backend/aws/runtimeConfig.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedServer } from "../../src/embeddedServer.js";
import { embeddedRuntimeConfig } from "../../src/gateway/embeddedRuntime.js";
import { resolveEngineHome } from "../../src/gateway/engineHome.js";
import { embeddedFunctions } from "../../src/lambda/embeddedFunctions.js";
import { type Harness, startHarness } from "./harness.js";

/**
 * Hybrid mode (issue #20.7): `engines.home: "aws"` in embedded.json sends the backend's
 * translation to Amazon Translate with the environment's AWS credentials. Nothing here calls
 * AWS: the tests check the setting's validation and where the catalogue's calls would go.
 */

const awsEnv = {
  AWS_ACCESS_KEY_ID: "AKIAEXAMPLEHYBRID01",
  AWS_SECRET_ACCESS_KEY: "secret-for-hybrid-tests",
  AWS_REGION: "eu-west-1",
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe("the engines setting", () => {
  it("defaults to the offline engines", () => {
    expect(resolveEngineHome({}, {})).toEqual({ home: "embedded" });
  });

  it("refuses hybrid mode without AWS credentials, saying what to set", () => {
    expect(() => resolveEngineHome({ engines: { home: "aws" } }, { AWS_REGION: "eu-west-1" })).toThrow(
      /no AWS credentials are configured: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
  });

  it("refuses hybrid mode without a Region, and a malformed section", () => {
    const { AWS_REGION: _, ...noRegion } = awsEnv;
    expect(() => resolveEngineHome({ engines: { home: "aws" } }, noRegion)).toThrow(/names no AWS Region/);
    expect(() => resolveEngineHome({ engines: { home: "cloud" } }, awsEnv)).toThrow(
      /settings section "engines" is invalid/,
    );
    expect(() => resolveEngineHome({ engines: { home: "aws", region: "Ireland" } }, awsEnv)).toThrow(/AWS Region/);
    expect(() => resolveEngineHome({ engines: { home: "aws", colour: "red" } }, awsEnv)).toThrow(/invalid/);
  });

  it("takes the credentials and Region from the environment, the section's Region first", () => {
    expect(resolveEngineHome({ engines: { home: "aws", region: "us-west-2" } }, awsEnv)).toEqual({
      home: "aws",
      region: "us-west-2",
      credentials: { accessKeyId: awsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: awsEnv.AWS_SECRET_ACCESS_KEY },
    });
  });

  it("keeps the server from starting in hybrid mode without AWS credentials", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const dir = mkdtempSync(join(tmpdir(), "babelcast-hybrid-"));
    try {
      await expect(
        startEmbeddedServer({
          host: "127.0.0.1",
          port: 0,
          dataDir: dir,
          settings: { engines: { home: "aws", region: "eu-west-1" } },
        }),
      ).rejects.toThrow(/hybrid mode.*no AWS credentials/);
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("hybrid mode's engine catalogue", () => {
  it("asks Amazon Translate with the AWS credentials, and the embedded Polly for voices", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, awsEnv);
    try {
      const ctx = { ...h.server.context, settings: { engines: { home: "aws" } } };
      const config = embeddedRuntimeConfig(ctx);
      expect(config.engineHome).toBe("hybrid");
      expect(config.endpoints.translate).toBeUndefined();
      const clients = createAwsClients(config);
      try {
        // Where ListLanguages would go, and signed by whom: stopped before it leaves the machine.
        let host = "";
        clients.translate.middlewareStack.add(
          () => async (args) => {
            host = (args.request as { hostname: string }).hostname;
            throw new Error("stopped before sending");
          },
          { step: "finalizeRequest", priority: "low" },
        );
        await expect(clients.translate.send(new ListLanguagesCommand({}))).rejects.toThrow("stopped before sending");
        expect(host).toBe("translate.eu-west-1.amazonaws.com");
        expect((await clients.translate.config.credentials()).accessKeyId).toBe(awsEnv.AWS_ACCESS_KEY_ID);
        // Recognition and speech stay the embedded engines, which the console streams to.
        const polly = await clients.polly.config.endpoint?.();
        expect(`${polly?.hostname}:${polly?.port}`).toBe(new URL(h.server.context.loopbackUrl).host);
      } finally {
        clients.destroy();
      }

      // The deployed functions of the embedded runtime see the same: no Translate endpoint override,
      // Amazon Translate's Region and credentials in the substitutes file, English recognition.
      const owner = embeddedFunctions(ctx, {
        listenerTokenSecret: "x".repeat(32),
        sessionLimits: {},
        substitutes: {
          ownerAuth: config.ownerAuth,
          lifecycleEvents: { kind: "file", path: join(h.dataDir, "events.jsonl") },
          ...(config.awsTranslate ? { awsTranslate: config.awsTranslate } : {}),
        },
      }).find((f) => f.name === "OwnerHttpFunction");
      const env = owner?.environment ?? {};
      expect(env.AWS_ENDPOINT_URL_TRANSLATE).toBeUndefined();
      expect(env.AWS_ENDPOINT_URL_POLLY).toContain(h.server.context.loopbackUrl);
      expect(env.RECOGNIZER_LANGUAGES).toBe("en");
      const fnConfig = withEmbeddedSubstitutes(runtimeConfigFromEnv(env), env);
      expect(fnConfig.engineHome).toBe("hybrid");
      expect(fnConfig.awsTranslate).toEqual({
        region: "eu-west-1",
        credentials: expect.objectContaining({ accessKeyId: awsEnv.AWS_ACCESS_KEY_ID }),
      });
      expect(fnConfig.recognizerLanguages).toEqual(["en"]);
    } finally {
      for (const key of Object.keys(awsEnv)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});
