/**
 * A throwaway RFC 3161 TSA for tests: a CA and a TSA certificate made with `openssl req` /
 * `openssl x509` in a temp dir, and a node http server on 127.0.0.1 that answers each
 * `application/timestamp-query` POST with `openssl ts -reply`. `mode` makes it misbehave the ways
 * a client must catch: a token for another imprint, or for the same imprint with another nonce.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as pkijs from 'pkijs';

const run = promisify(execFile);

export type TsaMode = 'honest' | 'wrong-imprint' | 'wrong-nonce';

export interface LocalTsa {
  url: string;
  dir: string;
  /** PEM of the CA that signed the TSA certificate (the trust anchor). */
  caPem: string;
  caFile: string;
  /** A second, unrelated CA. */
  otherCaFile: string;
  mode: TsaMode;
  requests: number;
  close(): Promise<void>;
}

function makeCa(dir: string, name: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.pem`), '-days', '2', '-subj', `/CN=Clew test ${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'ignore' });
}

export async function startLocalTsa(): Promise<LocalTsa> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-tsa-'));
  const p = (f: string) => path.join(dir, f);
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  fs.writeFileSync(p('tsa-ext.cnf'), '[v3_tsa]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('tsa.key'), '-out', p('tsa.csr'), '-subj', '/CN=Clew test TSA'], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', p('tsa.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('tsa.pem'), '-days', '2', '-extfile', p('tsa-ext.cnf'), '-extensions', 'v3_tsa'], { stdio: 'ignore' });
  fs.writeFileSync(p('tsaserial'), '01\n');
  fs.writeFileSync(
    p('tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config1',
      '[ tsa_config1 ]',
      `serial = ${p('tsaserial')}`,
      'crypto_device = builtin',
      `signer_cert = ${p('tsa.pem')}`,
      `certs = ${p('ca.pem')}`,
      `signer_key = ${p('tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );

  let counter = 0;
  async function reply(query: Buffer, mode: TsaMode): Promise<Buffer> {
    const n = ++counter;
    let queryFile = p(`q${n}.tsq`);
    fs.writeFileSync(queryFile, query);
    if (mode !== 'honest') {
      // Answer a query of the TSA's own making instead of the client's.
      const imprint = Buffer.from(pkijs.TimeStampReq.fromBER(new Uint8Array(query)).messageImprint.hashedMessage.valueBlock.valueHexView);
      const digest = mode === 'wrong-imprint' ? Buffer.alloc(32, 7).toString('hex') : imprint.toString('hex');
      queryFile = p(`evil${n}.tsq`);
      await run('openssl', ['ts', '-query', '-digest', digest, '-sha256', '-cert', '-out', queryFile]);
    }
    await run('openssl', ['ts', '-reply', '-config', p('tsa.cnf'), '-queryfile', queryFile, '-out', p(`r${n}.tsr`)]);
    return fs.readFileSync(p(`r${n}.tsr`));
  }

  const tsa: LocalTsa = {
    url: '',
    dir,
    caPem: fs.readFileSync(p('ca.pem'), 'utf8'),
    caFile: p('ca.pem'),
    otherCaFile: p('other-ca.pem'),
    mode: 'honest',
    requests: 0,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      tsa.requests++;
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(415).end();
        return;
      }
      reply(Buffer.concat(chunks), tsa.mode).then(
        (body) => res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(body),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  return tsa;
}
