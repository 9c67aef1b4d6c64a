// Java check for DynamoDB Local (a Java 17+ program). One clear line when Java is missing or old.

import { spawn } from 'node:child_process';

export const MINIMUM_JAVA = 17;

export const INSTALL_JAVA_HINT =
  `Java ${MINIMUM_JAVA} or newer is needed for DynamoDB Local: install it ` +
  '(Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) and put `java` on PATH';

export type JavaCheck = { ok: true; version: number } | { ok: false; message: string };

/** Major version from `java -version` output: `"17.0.15"` → 17, `"1.8.0_392"` → 8. */
export function parseJavaMajor(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Runs `java -version` (the `java` on PATH) and checks the major version. */
export function checkJava(command = 'java'): Promise<JavaCheck> {
  return new Promise((resolve) => {
    let output = '';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, ['-version'], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch {
      resolve({ ok: false, message: `No \`java\` found on PATH. ${INSTALL_JAVA_HINT}` });
      return;
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', () => {
      resolve({ ok: false, message: `No \`java\` found on PATH. ${INSTALL_JAVA_HINT}` });
    });
    child.once('close', (code) => {
      const version = parseJavaMajor(output);
      if (code !== 0 || version === undefined) {
        resolve({ ok: false, message: `\`java -version\` failed (exit ${code}). ${INSTALL_JAVA_HINT}` });
      } else if (version < MINIMUM_JAVA) {
        resolve({ ok: false, message: `Found Java ${version}. ${INSTALL_JAVA_HINT}` });
      } else {
        resolve({ ok: true, version });
      }
    });
  });
}
