import { z } from 'zod';
import type { EmbedResponse as EmbedResponseType } from '../../protocols/tei/types';
import type { Assert, SameShape } from '../same-shape';

/** TEI's embed answer: one array of floats per input, in input order. */
export const EmbedResponse = z.array(z.array(z.number()));

type _EmbedMatches = Assert<SameShape<z.infer<typeof EmbedResponse>, EmbedResponseType>>;
