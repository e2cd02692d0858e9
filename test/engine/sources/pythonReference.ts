/**
 * An independent implementation of the sources-1.0 manifest and its signature, in python3 with the
 * standard library only (so it runs wherever the tests run): the canonical form straight from the
 * spec (`json.dumps(indent=2, sort_keys=True, ensure_ascii=False)`, UTF-8, no trailing newline,
 * `signature` key removed) and Ed25519 from RFC 8032 §6 (pure Python). Written from the spec, not
 * from Clew's code, so a shared misreading of the format cannot pass both sides. When the
 * `cryptography` package is importable, every signature is also checked by it (`xcheck`).
 */
import { execFileSync } from 'node:child_process';

const PYTHON = String.raw`
import base64, hashlib, json, os, sys

p = 2**255 - 19
q = 2**252 + 27742317777372353535851937790883648493
d = -121665 * pow(121666, p - 2, p) % p
SQRT_M1 = pow(2, (p - 1) // 4, p)

def inv(x): return pow(x, p - 2, p)

def add(P, Q):
    A = (P[1] - P[0]) * (Q[1] - Q[0]) % p
    B = (P[1] + P[0]) * (Q[1] + Q[0]) % p
    C = 2 * P[3] * Q[3] * d % p
    D = 2 * P[2] * Q[2] % p
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % p, G * H % p, F * G % p, E * H % p)

def mul(s, P):
    Q = (0, 1, 1, 0)
    while s > 0:
        if s & 1: Q = add(Q, P)
        P = add(P, P)
        s >>= 1
    return Q

def equal(P, Q):
    return (P[0] * Q[2] - Q[0] * P[2]) % p == 0 and (P[1] * Q[2] - Q[1] * P[2]) % p == 0

def recover_x(y, sign):
    if y >= p: return None
    x2 = (y * y - 1) * inv(d * y * y + 1)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p != 0: x = x * SQRT_M1 % p
    if (x * x - x2) % p != 0: return None
    if (x & 1) != sign: x = p - x
    return x

gy = 4 * inv(5) % p
gx = recover_x(gy, 0)
G = (gx, gy, 1, gx * gy % p)

def compress(P):
    zi = inv(P[2]); x = P[0] * zi % p; y = P[1] * zi % p
    return (y | ((x & 1) << 255)).to_bytes(32, 'little')

def decompress(s):
    if len(s) != 32: return None
    y = int.from_bytes(s, 'little'); sign = y >> 255; y &= (1 << 255) - 1
    x = recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % p)

def hq(m): return int.from_bytes(hashlib.sha512(m).digest(), 'little') % q

def expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], 'little')
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]

def public_of(seed): return compress(mul(expand(seed)[0], G))

def sign(seed, msg):
    a, prefix = expand(seed)
    A = compress(mul(a, G))
    r = hq(prefix + msg)
    R = compress(mul(r, G))
    s = (r + hq(R + A + msg) * a) % q
    return R + s.to_bytes(32, 'little')

def verify(pub, msg, sig):
    if len(sig) != 64: return False
    A = decompress(pub); R = decompress(sig[:32])
    if A is None or R is None: return False
    s = int.from_bytes(sig[32:], 'little')
    if s >= q: return False
    return equal(mul(s, G), add(R, mul(hq(sig[:32] + pub + msg), A)))

SPKI = bytes.fromhex('302a300506032b6570032100')
PKCS8 = bytes.fromhex('302e020100300506032b657004220420')

def pem(label, der):
    b = base64.b64encode(der).decode()
    return '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (label, '\n'.join(b[i:i + 64] for i in range(0, len(b), 64)), label)

def unpem(text, prefix):
    der = base64.b64decode(''.join(l for l in text.splitlines() if not l.startswith('-----')))
    if not der.startswith(prefix) or len(der) != len(prefix) + 32: raise SystemExit('not an ed25519 key: ' + der.hex())
    return der[len(prefix):]

def canonical(obj):
    body = {k: v for k, v in obj.items() if k != 'signature'}
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False).encode('utf-8')

def xcheck(pub, msg, sig):
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return None
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)
        return True
    except Exception:
        return False

cmd = sys.argv[1]
if cmd == 'canonical':
    sys.stdout.buffer.write(canonical(json.loads(sys.stdin.read())))
elif cmd == 'keys':
    seed = bytes.fromhex(sys.argv[2])
    open(sys.argv[3], 'w').write(pem('PRIVATE KEY', PKCS8 + seed))
    open(sys.argv[4], 'w').write(pem('PUBLIC KEY', SPKI + public_of(seed)))
elif cmd == 'write-signed':
    seed, out, root = bytes.fromhex(sys.argv[2]), sys.argv[3], sys.argv[4]
    sources = []
    for rel in sys.argv[5:]:
        sources.append({'path': rel, 'sha256': hashlib.sha256(open(os.path.join(root, rel), 'rb').read()).hexdigest()})
    obj = {'schema': 'sources-1.0', 'sources': sources, 'signature': None}
    msg = canonical(obj)
    sig = sign(seed, msg)
    obj['signature'] = {'algo': 'ed25519', 'sig': base64.b64encode(sig).decode()}
    os.makedirs(os.path.dirname(out), exist_ok=True)
    open(out, 'wb').write(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False).encode('utf-8'))
    print(json.dumps({'xcheck': xcheck(public_of(seed), msg, sig)}))
elif cmd == 'verify':
    pub = unpem(open(sys.argv[2]).read(), SPKI)
    obj = json.loads(open(sys.argv[3], encoding='utf-8').read())
    s = obj.get('signature')
    if not isinstance(s, dict) or s.get('algo') != 'ed25519':
        print(json.dumps({'signed': False, 'valid': False, 'xcheck': None}))
    else:
        sig = base64.b64decode(s['sig']); msg = canonical(obj)
        print(json.dumps({'signed': True, 'valid': verify(pub, msg, sig), 'xcheck': xcheck(pub, msg, sig)}))
`;

export function python(args: string[], input?: string): string {
  return execFileSync('python3', ['-c', PYTHON, ...args], { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
}

export interface PyVerdict {
  signed: boolean;
  valid: boolean;
  /** What the `cryptography` package says, or null when it is not installed. */
  xcheck: boolean | null;
}

export function pythonVerify(publicKeyPem: string, manifest: string): PyVerdict {
  return JSON.parse(python(['verify', publicKeyPem, manifest])) as PyVerdict;
}

/** Python writes keys from a 32-byte seed (hex): PKCS8 private and SPKI public PEM. */
export function pythonKeys(seedHex: string, privatePem: string, publicPem: string): void {
  python(['keys', seedHex, privatePem, publicPem]);
}

/** Python writes and signs a manifest pinning `files` (relative to root); returns cryptography's cross-check. */
export function pythonWriteSigned(seedHex: string, out: string, root: string, files: string[]): boolean | null {
  return (JSON.parse(python(['write-signed', seedHex, out, root, ...files])) as { xcheck: boolean | null }).xcheck;
}

export function pythonCanonical(obj: unknown): string {
  return python(['canonical'], JSON.stringify(obj));
}
