// The basic KEMI script's suite (suite.ts) against the reference: Kamailio 5.6 running the original Lua
// script (kamailio-target.ts; the substitutions are in docs/kamailio-basic.md).

import { KamailioTarget } from './kamailio-target.ts';
import { basicSuite } from './suite.ts';

basicSuite(() => new KamailioTarget());
