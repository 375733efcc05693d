import { describe, expect, it } from "vitest";
import { HANDLER_ENTRIES } from "../../src/handlers/deployedFunctions.js";
import {
  CONSOLE_STATEMENTS,
  policyAllows,
  principalStatements,
  TABLE_ACTIONS,
} from "../../src/permissions/permissionTable.js";

const statementsOf = (id: string) => {
  const entry = HANDLER_ENTRIES.find((e) => e.id === id);
  if (!entry) throw new Error(`no function ${id}`);
  return principalStatements(entry);
};

describe("the permission table", () => {
  it("allows an action only on the resource kind its grant names, and '*' grants on anything", () => {
    const owner = statementsOf("OwnerHttpFunction");
    expect(policyAllows(owner, "kinesisvideo:CreateSignalingChannel", "kvsChannels")).toBe(true);
    // A channel that is not this deployment's (no resource kind) is not covered.
    expect(policyAllows(owner, "kinesisvideo:CreateSignalingChannel", undefined)).toBe(false);
    const ws = statementsOf("WebSocketFunction");
    expect(policyAllows(ws, "translate:TranslateText", undefined)).toBe(true);
    expect(policyAllows(ws, "translate:TranslateText", "terminologies")).toBe(true);
  });

  it("grants table actions per table and access: read-only tables take no writes", () => {
    const listener = statementsOf("ListenerHttpFunction");
    expect(policyAllows(listener, "dynamodb:Query", "table/segments")).toBe(true);
    expect(policyAllows(listener, "dynamodb:PutItem", "table/segments")).toBe(false);
    expect(policyAllows(listener, "dynamodb:PutItem", "table/listeners")).toBe(true);
    expect(TABLE_ACTIONS.read.every((a) => TABLE_ACTIONS.readWrite.includes(a))).toBe(true);
    expect(TABLE_ACTIONS.read.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });

  it("lets the console stream and speak, nothing else", () => {
    expect(policyAllows(CONSOLE_STATEMENTS, "transcribe:StartStreamTranscriptionWebSocket", undefined)).toBe(true);
    expect(policyAllows(CONSOLE_STATEMENTS, "polly:SynthesizeSpeech", undefined)).toBe(true);
    for (const action of ["transcribe:CreateVocabulary", "translate:TranslateText", "dynamodb:GetItem"])
      expect(policyAllows(CONSOLE_STATEMENTS, action, undefined), action).toBe(false);
  });

  it("gives the public listener function no master, channel or connection actions", () => {
    const listener = statementsOf("ListenerHttpFunction");
    for (const action of [
      "kinesisvideo:ConnectAsMaster",
      "kinesisvideo:CreateSignalingChannel",
      "kinesisvideo:DeleteSignalingChannel",
      "execute-api:ManageConnections",
    ])
      expect(policyAllows(listener, action, action.startsWith("execute") ? "connections" : "kvsChannels")).toBe(false);
  });

  it("lets exactly the functions that end sessions or send captions publish to the caption namespace, and no other resource", () => {
    const publishers = HANDLER_ENTRIES.filter((e) =>
      policyAllows(principalStatements(e), "appsync:EventPublish", "captionNamespace"),
    ).map((e) => e.id);
    expect(publishers.sort()).toEqual(["CleanupFunction", "OwnerHttpFunction", "WebSocketFunction"]);
    expect(policyAllows(statementsOf("WebSocketFunction"), "appsync:EventPublish", undefined)).toBe(false);
    expect(policyAllows(statementsOf("WebSocketFunction"), "appsync:EventSubscribe", "captionNamespace")).toBe(false);
  });

  it("gives the caption authorizer read access to sessions and listeners and the token key, nothing else", () => {
    const entry = HANDLER_ENTRIES.find((e) => e.id === "CaptionAuthorizerFunction");
    expect(entry?.trigger).toBe("eventApiAuthorizer");
    expect(entry?.capabilities).toEqual(["listenerTokens"]);
    expect(entry?.tables).toEqual({ sessions: "read", listeners: "read" });
    const statements = statementsOf("CaptionAuthorizerFunction");
    expect(policyAllows(statements, "dynamodb:PutItem", "table/listeners")).toBe(false);
    expect(policyAllows(statements, "appsync:EventPublish", "captionNamespace")).toBe(false);
  });
});
