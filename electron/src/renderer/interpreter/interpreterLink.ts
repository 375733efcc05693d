import {
  ApiError,
  type ConfigDocument,
  type InterpreterJoinResponse,
  InterpreterJoinResponse as JoinSchema,
} from "@babelcast/protocol";
import { Role, SignalingClient } from "amazon-kinesis-video-streams-webrtc";

export type InterpreterLinkState = "joining" | "connecting" | "live" | "lost" | "closed";

export interface InterpreterLinkEvents {
  onState(state: InterpreterLinkState): void;
  /** The floor (the presenter's original audio), to play in the interpreter's headphones. */
  onFloor(stream: MediaStream): void;
}

/** Redeems the one-time invite: the language and a viewer grant, or an error saying what to do. */
export async function redeemInvite(
  config: ConfigDocument,
  sessionId: string,
  token: string,
): Promise<InterpreterJoinResponse> {
  let res: Response;
  try {
    res = await fetch(`${config.apiUrl}/sessions/${encodeURIComponent(sessionId)}/interpreters/join`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
      cache: "no-store",
    });
  } catch {
    throw new Error(
      "Cannot reach the Babelcast server: check that this device is on the presenter's network, then reload.",
    );
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = ApiError.safeParse(body);
    throw new Error(
      parsed.success
        ? parsed.data.error.message
        : `The server answered HTTP ${res.status}: ask the presenter for a new link.`,
    );
  }
  return JoinSchema.parse(body);
}

/**
 * The interpreter's side: a KVS viewer of the console that sends its microphone and receives
 * the floor. The console makes the microphone its language's track.
 */
export class InterpreterLink {
  private readonly pc: RTCPeerConnection;
  private readonly client: SignalingClient;
  private closed = false;

  constructor(
    grant: InterpreterJoinResponse["signaling"],
    microphone: MediaStream,
    private readonly events: InterpreterLinkEvents,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: grant.iceServers as RTCIceServer[] });
    for (const track of microphone.getAudioTracks()) this.pc.addTrack(track, microphone);
    this.pc.ontrack = (e) => events.onFloor(e.streams[0] ?? new MediaStream([e.track]));
    this.pc.onconnectionstatechange = () => {
      const s = this.pc.connectionState;
      if (s === "connected") events.onState("live");
      else if (s === "failed" || s === "disconnected") events.onState("lost");
    };
    this.client = new SignalingClient({
      channelARN: grant.channelArn,
      channelEndpoint: grant.channelEndpoint,
      region: grant.region,
      role: Role.VIEWER,
      clientId: grant.clientId ?? "",
      // The backend presigned the URL for this client id; the page holds no KVS credentials.
      requestSigner: { getSignedURL: async () => grant.signedUrl },
    });
    let answered!: () => void;
    const answer = new Promise<void>((resolve) => {
      answered = resolve;
    });
    this.client.on("open", async () => {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      if (this.pc.localDescription) this.client.sendSdpOffer(this.pc.localDescription);
    });
    this.client.on("sdpAnswer", (a: RTCSessionDescriptionInit) => void this.pc.setRemoteDescription(a).then(answered));
    this.client.on("iceCandidate", (c: RTCIceCandidateInit) => void answer.then(() => this.pc.addIceCandidate(c)));
    this.client.on("error", () => {
      if (!this.closed && this.pc.connectionState !== "connected") events.onState("lost");
    });
    this.pc.onicecandidate = (e) => {
      if (e.candidate) this.client.sendIceCandidate(e.candidate);
    };
    events.onState("connecting");
    this.client.open();
  }

  close(): void {
    this.closed = true;
    this.client.removeAllListeners();
    this.client.close();
    this.pc.close();
    this.events.onState("closed");
  }
}
