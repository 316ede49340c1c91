// Imported first by both entries (index.ts, headless.ts), before any module that allocates: see young-gen.ts.
import { boundYoungGeneration } from './young-gen';

boundYoungGeneration();
