// getsockopt(SO_ERROR) gives a number; the load tables count errors by name.
import { ERRNO_NUMBER } from '../../stack/errno-numbers.js';

export const ERRNO_NAME: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(ERRNO_NUMBER).map(([name, n]) => [n, name]),
);
