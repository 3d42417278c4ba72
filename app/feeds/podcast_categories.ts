/*
| Apple Podcasts' categories (https://podcasters.apple.com/support/1691-apple-podcasts-categories),
| as a program stores its own: `Category` or `Category/Subcategory`.
*/
export const PODCAST_CATEGORIES: Record<string, string[]> = {
  'Arts': ['Books', 'Design', 'Fashion & Beauty', 'Food', 'Performing Arts', 'Visual Arts'],
  'Business': ['Careers', 'Entrepreneurship', 'Investing', 'Management', 'Marketing', 'Non-Profit'],
  'Comedy': ['Comedy Interviews', 'Improv', 'Stand-Up'],
  'Education': ['Courses', 'How To', 'Language Learning', 'Self-Improvement'],
  'Fiction': ['Comedy Fiction', 'Drama', 'Science Fiction'],
  'Government': [],
  'History': [],
  'Health & Fitness': [
    'Alternative Health',
    'Fitness',
    'Medicine',
    'Mental Health',
    'Nutrition',
    'Sexuality',
  ],
  'Kids & Family': ['Education for Kids', 'Parenting', 'Pets & Animals', 'Stories for Kids'],
  'Leisure': [
    'Animation & Manga',
    'Automotive',
    'Aviation',
    'Crafts',
    'Games',
    'Hobbies',
    'Home & Garden',
    'Video Games',
  ],
  'Music': ['Music Commentary', 'Music History', 'Music Interviews'],
  'News': [
    'Business News',
    'Daily News',
    'Entertainment News',
    'News Commentary',
    'Politics',
    'Sports News',
    'Tech News',
  ],
  'Religion & Spirituality': [
    'Buddhism',
    'Christianity',
    'Hinduism',
    'Islam',
    'Judaism',
    'Religion',
    'Spirituality',
  ],
  'Science': [
    'Astronomy',
    'Chemistry',
    'Earth Sciences',
    'Life Sciences',
    'Mathematics',
    'Natural Sciences',
    'Nature',
    'Physics',
    'Social Sciences',
  ],
  'Society & Culture': [
    'Documentary',
    'Personal Journals',
    'Philosophy',
    'Places & Travel',
    'Relationships',
  ],
  'Sports': [
    'Baseball',
    'Basketball',
    'Cricket',
    'Fantasy Sports',
    'Football',
    'Golf',
    'Hockey',
    'Rugby',
    'Running',
    'Soccer',
    'Softball',
    'Swimming',
    'Tennis',
    'Volleyball',
    'Wilderness',
    'Wrestling',
  ],
  'Technology': [],
  'True Crime': [],
  'TV & Film': ['After Shows', 'Film History', 'Film Interviews', 'Film Reviews', 'TV Reviews'],
}

/** A program that chose none: a radio's programs are talk and music about the world around it. */
export const DEFAULT_PODCAST_CATEGORY = 'Society & Culture'

/** Every value a program may store, for the form's list and the validator. */
export const PODCAST_CATEGORY_VALUES = Object.entries(PODCAST_CATEGORIES).flatMap(
  ([category, subs]) => [category, ...subs.map((sub) => `${category}/${sub}`)]
)

/** `Music/Music History` → `{ category: 'Music', subcategory: 'Music History' }`; an unknown value is the default. */
export function podcastCategory(value: string | null | undefined) {
  const chosen = value && PODCAST_CATEGORY_VALUES.includes(value) ? value : DEFAULT_PODCAST_CATEGORY
  const [category, subcategory] = chosen.split('/')
  return { category, subcategory: subcategory ?? null }
}
