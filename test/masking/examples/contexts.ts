// Examples for the rules of src/masking/families/contexts.ts that have an id of their own (see
// types.ts); the contexts that feed the generic rules are tested in contexts.test.ts.
import { ALPHABETS, type Examples } from "./types.js";

const manifest = (section: string, entries: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n${section}:\n${entries}\ntype: Opaque`;

export const CONTEXTS_EXAMPLES: Examples = {
  session_cookie: {
    // A session id (random, URL-safe) and an Express signed session (`s%3A<id>.<signature>`).
    secrets: (rand) => [rand.chars(rand.int(24, 48), ALPHABETS.base64url), "s%3A" + rand.chars(32, ALPHABETS.alnum) + "." + rand.chars(43, ALPHABETS.alnum)],
    around: (s) => `Cookie: theme=dark; sessionid=${s}; lang=en`,
    lookalikes: [
      "Cookie: session=abc; theme=dark",
      "Cookie: theme=q7Rt2xLp9VmK4wZb8NcY3hFd",
      "Set-Cookie: sessionid=; Max-Age=0",
      "Cookie: sessionid=<your-session-id>",
      'document.cookie = "session=" + token',
    ],
  },
  kubernetes_secret: {
    // Base64 of a password (whatever its entropy: "admin" too), and a value not in base64.
    secrets: (rand) => [
      Buffer.from(rand.chars(rand.int(5, 24), ALPHABETS.alnum)).toString("base64"),
      Buffer.from("hunter2").toString("base64"),
      rand.chars(rand.int(8, 30), ALPHABETS.alnum),
    ],
    around: (s) => manifest("data", `  password: ${s}\n  username: YWRtaW4=`),
    lookalikes: [
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  LOG_LEVEL: ZGVidWc=\n  region: eu-west-1",
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  password: {{ .Values.password | b64enc }}\n  token: ${TOKEN}\n  empty: ""',
      "apiVersion: v1\nkind: SecretProviderClass\nmetadata:\n  name: app\ndata:\n  objects: c29tZXRoaW5n",
      'event: message\ndata: {"kind": "Secret"}\n',
      "metadata:\n  name: Secret\nkind: Secret",
    ],
  },
};
