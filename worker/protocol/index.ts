export * from './api.ts';
export * from './content.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './limits.ts';
export * from './live.ts';
export * from './text.ts';
export * from './transfer.ts';
