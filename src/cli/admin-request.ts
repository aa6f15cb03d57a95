/**
 * One JSON request to a running server's admin API (`--url`), with the admin token as a bearer token (a write
 * key cannot read). A refusal throws `<status> <code>: <message>`.
 */
export async function adminRequest<T>(
  server: { url: string; token: string | undefined; tokenFlag: string },
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  if (!server.token) throw new Error(`--url needs the admin token: ${server.tokenFlag} or CRUMBTRAIL_ADMIN_TOKEN`);
  const res = await fetch(new URL(path, server.url), {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T & { code?: string; message?: string };
  if (!res.ok) throw new Error(`${res.status} ${json.code ?? ''}: ${json.message ?? ''}`);
  return json;
}
