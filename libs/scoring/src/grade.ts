import type { GradeDef } from '#libs/definitions';
import { exceeds, reaches } from './boundary';

export function gradeHolds(grade: GradeDef, total: number): boolean {
  return grade.minExclusive === true ? exceeds(total, grade.min) : reaches(total, grade.min);
}

// Grades are best first: the first whose bound the total reaches. Seed 003 writes exclusive lower
// bounds ("95<总分≤100" for A, "85<总分≤95" for B), so a total of exactly 95 is a B. A total below every
// bound (only possible when the last bound is exclusive at 0) takes the lowest grade rather than none.
export function gradeOf(grades: readonly GradeDef[], total: number): GradeDef | undefined {
  return grades.find((grade) => gradeHolds(grade, total)) ?? grades[grades.length - 1];
}

// The grade at best the strictest cap: a cap only ever lowers the grade. A cap naming no grade of the
// scorecard (the validator rejects it) lowers nothing.
export function capGrade(grades: readonly GradeDef[], grade: GradeDef, caps: readonly string[]): GradeDef {
  let index = grades.indexOf(grade);
  for (const cap of caps) {
    const capIndex = grades.findIndex((g) => g.grade === cap);
    if (capIndex > index) index = capIndex;
  }
  return grades[index] ?? grade;
}
