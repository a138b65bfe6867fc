/**
 * Pages need a signed-in user (issue 12): without one, every page redirects to /sign-in (or to /setup
 * while no user exists). Data is enforced again where it is read — every tRPC procedure and API route
 * checks the caller's role — so this only keeps signed-out visitors from empty page shells.
 * API routes (/api/*) are not handled here: they answer 401 / 403 themselves.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { authMode, resolveActor } from './server/auth/actor';
import { countUsers } from './server/services/users';
import { db } from './server/db';

const PUBLIC_PAGES = ['/sign-in', '/setup'];

export async function proxy(request: NextRequest) {
  if (authMode() === 'open') return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  const isPublic = PUBLIC_PAGES.includes(pathname);
  let signedIn = false;
  try {
    signedIn = (await resolveActor(request.headers)) !== null;
  } catch {
    signedIn = false; // a bad bearer token on a page request: treat as signed out
  }
  if (signedIn) {
    if (isPublic) return NextResponse.redirect(new URL(safeNext(request.nextUrl.searchParams.get('next')), request.url));
    return NextResponse.next();
  }
  const needsSetup = (await countUsers(db())) === 0;
  if (needsSetup) return pathname === '/setup' ? NextResponse.next() : NextResponse.redirect(new URL('/setup', request.url));
  if (pathname === '/sign-in') return NextResponse.next();
  if (pathname === '/setup') return NextResponse.redirect(new URL('/sign-in', request.url));
  const target = new URL('/sign-in', request.url);
  if (pathname !== '/') target.searchParams.set('next', `${pathname}${search}`);
  return NextResponse.redirect(target);
}

/** Only same-site paths are followed after sign-in (no open redirect to another host). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export const config = {
  // Pages only: not the API, Next's assets, or files with an extension (favicon, images).
  matcher: ['/((?!api/|_next/|.*\\..*).*)'],
};
