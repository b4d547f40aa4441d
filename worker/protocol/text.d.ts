export declare function cleanText(value: string): string;
