import { primaryLanguage } from "../language/preselect.js";

/** Every text the page shows, in English; each translation has exactly these keys. */
const en = {
  loading: "Loading…",
  language: "Language",
  listen: "Listen",
  pause: "Pause",
  resume: "Resume",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  offline: "No network. Reconnecting when it is back…",
  live: "Live",
  notStarted: "The talk has not started yet.",
  paused: "The presenter has paused.",
  muted: "The presenter's microphone is muted.",
  ended: "This talk has ended. Thank you for listening.",
  captionsOnly: "Captions only: no audio place is free.",
  notFound: "No talk at this address. Scan the QR code again or check the link.",
  failed: "Cannot reach the talk. Check your Wi-Fi; retrying…",
  passcode: "Passcode",
  wrongPasscode: "Wrong passcode. Ask the presenter and try again.",
  volume: "Volume",
  mute: "Mute",
  unmute: "Unmute",
  textSize: "Text size",
  smaller: "Smaller text",
  larger: "Larger text",
  captions: "Captions",
  waitingCaptions: "Captions will appear here.",
  latest: "Jump to the latest",
  behind: "{s} s behind",
};

export type StringKey = keyof typeof en;
export type Strings = Readonly<Record<StringKey, string>>;

const es: Strings = {
  loading: "Cargando…",
  language: "Idioma",
  listen: "Escuchar",
  pause: "Pausa",
  resume: "Reanudar",
  connecting: "Conectando…",
  reconnecting: "Reconectando…",
  offline: "Sin red. Se reconectará cuando vuelva…",
  live: "En directo",
  notStarted: "La charla aún no ha empezado.",
  paused: "El presentador ha hecho una pausa.",
  muted: "El micrófono del presentador está silenciado.",
  ended: "La charla ha terminado. Gracias por escuchar.",
  captionsOnly: "Solo subtítulos: no quedan plazas de audio.",
  notFound: "No hay ninguna charla en esta dirección. Escanee el código QR de nuevo o revise el enlace.",
  failed: "No se puede conectar con la charla. Revise su wifi; reintentando…",
  passcode: "Código de acceso",
  wrongPasscode: "Código incorrecto. Pídalo al presentador e inténtelo de nuevo.",
  volume: "Volumen",
  mute: "Silenciar",
  unmute: "Activar sonido",
  textSize: "Tamaño del texto",
  smaller: "Texto más pequeño",
  larger: "Texto más grande",
  captions: "Subtítulos",
  waitingCaptions: "Los subtítulos aparecerán aquí.",
  latest: "Ir a lo más reciente",
  behind: "{s} s de retraso",
};

const fr: Strings = {
  loading: "Chargement…",
  language: "Langue",
  listen: "Écouter",
  pause: "Pause",
  resume: "Reprendre",
  connecting: "Connexion…",
  reconnecting: "Reconnexion…",
  offline: "Pas de réseau. Reconnexion dès son retour…",
  live: "En direct",
  notStarted: "La présentation n'a pas encore commencé.",
  paused: "Le présentateur a fait une pause.",
  muted: "Le micro du présentateur est coupé.",
  ended: "La présentation est terminée. Merci de votre écoute.",
  captionsOnly: "Sous-titres uniquement : plus de place audio libre.",
  notFound: "Aucune présentation à cette adresse. Scannez à nouveau le QR code ou vérifiez le lien.",
  failed: "Impossible de joindre la présentation. Vérifiez votre Wi-Fi ; nouvel essai…",
  passcode: "Code d'accès",
  wrongPasscode: "Code incorrect. Demandez-le au présentateur et réessayez.",
  volume: "Volume",
  mute: "Couper le son",
  unmute: "Rétablir le son",
  textSize: "Taille du texte",
  smaller: "Texte plus petit",
  larger: "Texte plus grand",
  captions: "Sous-titres",
  waitingCaptions: "Les sous-titres s'afficheront ici.",
  latest: "Aller au plus récent",
  behind: "{s} s de retard",
};

const de: Strings = {
  loading: "Wird geladen…",
  language: "Sprache",
  listen: "Anhören",
  pause: "Pause",
  resume: "Fortsetzen",
  connecting: "Verbinde…",
  reconnecting: "Verbindung wird wiederhergestellt…",
  offline: "Kein Netz. Neue Verbindung, sobald es zurück ist…",
  live: "Live",
  notStarted: "Der Vortrag hat noch nicht begonnen.",
  paused: "Der Vortrag ist pausiert.",
  muted: "Das Mikrofon des Vortragenden ist stumm.",
  ended: "Der Vortrag ist zu Ende. Danke fürs Zuhören.",
  captionsOnly: "Nur Untertitel: kein Audioplatz mehr frei.",
  notFound: "Unter dieser Adresse gibt es keinen Vortrag. QR-Code erneut scannen oder Link prüfen.",
  failed: "Vortrag nicht erreichbar. WLAN prüfen; neuer Versuch…",
  passcode: "Zugangscode",
  wrongPasscode: "Falscher Code. Fragen Sie den Vortragenden und versuchen Sie es erneut.",
  volume: "Lautstärke",
  mute: "Stumm",
  unmute: "Ton an",
  textSize: "Textgröße",
  smaller: "Kleinerer Text",
  larger: "Größerer Text",
  captions: "Untertitel",
  waitingCaptions: "Hier erscheinen die Untertitel.",
  latest: "Zum Neuesten",
  behind: "{s} s Verzögerung",
};

const pt: Strings = {
  loading: "Carregando…",
  language: "Idioma",
  listen: "Ouvir",
  pause: "Pausar",
  resume: "Retomar",
  connecting: "Conectando…",
  reconnecting: "Reconectando…",
  offline: "Sem rede. Reconectando quando ela voltar…",
  live: "Ao vivo",
  notStarted: "A palestra ainda não começou.",
  paused: "O apresentador fez uma pausa.",
  muted: "O microfone do apresentador está mudo.",
  ended: "A palestra terminou. Obrigado por ouvir.",
  captionsOnly: "Só legendas: não há vaga de áudio livre.",
  notFound: "Não há palestra neste endereço. Escaneie o QR code de novo ou confira o link.",
  failed: "Não foi possível alcançar a palestra. Verifique o Wi-Fi; tentando de novo…",
  passcode: "Código de acesso",
  wrongPasscode: "Código errado. Peça ao apresentador e tente de novo.",
  volume: "Volume",
  mute: "Silenciar",
  unmute: "Ativar som",
  textSize: "Tamanho do texto",
  smaller: "Texto menor",
  larger: "Texto maior",
  captions: "Legendas",
  waitingCaptions: "As legendas aparecerão aqui.",
  latest: "Ir para o mais recente",
  behind: "{s} s de atraso",
};

export const UI_STRINGS: Readonly<Record<string, Strings>> = { en, es, fr, de, pt };

/**
 * The language of the page's own text: the language the listener listens in when the page
 * speaks it, else the browser's first the page speaks, else English.
 */
export function uiLanguage(listening: string | undefined, browserLanguages: readonly string[]): string {
  for (const tag of [...(listening ? [listening] : []), ...browserLanguages]) {
    const code = primaryLanguage(tag);
    if (code in UI_STRINGS) return code;
  }
  return "en";
}

export const stringsFor = (language: string): Strings => UI_STRINGS[language] ?? en;

/** Fills `{name}` placeholders. */
export const format = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
