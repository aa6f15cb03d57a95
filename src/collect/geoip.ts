import maxmind, { type Reader, type Response } from 'maxmind';
import type { GeoLookup } from './pipeline/enrich.js';

type GeoRecord = Response & {
  country?: { iso_code?: string };
  city?: { names?: { en?: string } } | string;
  country_code?: string;
};

/**
 * Opens an offline .mmdb database: MaxMind GeoLite2/GeoIP2 City or Country, DB-IP Lite, or the
 * ip-location-db packages (which use flat `country_code` / `city` fields). Lookups are local; no network.
 */
export async function openGeoLookup(file: string): Promise<GeoLookup> {
  const reader: Reader<GeoRecord> = await maxmind.open<GeoRecord>(file);
  return (ip) => {
    if (!maxmind.validate(ip)) return null;
    const found = reader.get(ip);
    if (!found) return null;
    const country = found.country?.iso_code ?? found.country_code ?? null;
    const city = typeof found.city === 'string' ? found.city : (found.city?.names?.en ?? null);
    return { country, city };
  };
}
